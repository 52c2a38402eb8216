import ipaddress
import random
import uuid
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from pytest_django.fixtures import Settings as SettingsWrapper
from rest_framework.test import APIClient

from contexts.notifications.infrastructure.failure_notes import forget_noted_failures
from shared_kernel.domain.events import IntegrationEvent
from shared_kernel.messaging.models import OutboxEvent
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork
from tests.support.processes import free_port


@pytest.fixture(autouse=True)
def _no_failure_noted_by_another_test() -> Iterator[None]:
    forget_noted_failures()
    yield
    forget_noted_failures()


@pytest.fixture
def instant_retries(settings: SettingsWrapper) -> None:
    """The bus's retries without their backoff, and three attempts before a dead letter."""
    settings.OUTBOX_RETRY_BACKOFF_SECONDS = 0
    settings.OUTBOX_MAX_ATTEMPTS = 3


@pytest.fixture
def smtp_down(settings: SettingsWrapper) -> SettingsWrapper:
    """SMTP to a local port nothing listens on: every connection is refused."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return settings


@pytest.fixture
def api() -> APIClient:
    """An anonymous client with a client IP of its own (per-IP throttles never leak)."""
    cache.clear()
    address = ipaddress.IPv4Address((10 << 24) + random.getrandbits(24))
    return APIClient(REMOTE_ADDR=str(address))


def publish(event: IntegrationEvent) -> uuid.UUID:
    """Publish an event as its context's use case would; the stored event's id."""
    with DjangoUnitOfWork() as uow:
        uow.publish(event, aggregate_id=str(uuid.uuid4()), sequence=1)
    return OutboxEvent.objects.filter(event_type=event.event_type).latest("occurred_at").pk
