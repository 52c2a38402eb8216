"""Notifications' composition root: the one place that picks adapters for the ports.

`NotificationsConfig.ready()` calls `wire()` once Django's apps are loaded: the subscribers,
the admin and the beat task then fetch the use cases from `application.services`.
"""

import uuid
from datetime import timedelta

from django.conf import settings

from contexts.identity.contracts import CustomerContact, identity_facade
from contexts.notifications.application.services import (
    NotificationsPorts,
    compose_use_cases,
    notifications_use_cases,
)
from contexts.notifications.infrastructure import failure_notes
from contexts.notifications.infrastructure.mailer import DjangoTemplateMailer
from contexts.notifications.infrastructure.repositories import DjangoDeliveryLog
from shared_kernel.application.clock import utc_now
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork


def contact_of(customer_id: uuid.UUID) -> CustomerContact | None:
    """Through identity's facade, fetched at each call (a test may swap it for a fake)."""
    return identity_facade().contact_of(customer_id)


def reset_url(token: str) -> str:
    return str(settings.PASSWORD_RESET_URL).format(token=token)


def retention() -> timedelta:
    """Read when the log is pruned, so a changed setting (or a test's override) applies."""
    return timedelta(days=settings.NOTIFICATION_LOG_RETENTION_DAYS)


def django_ports() -> NotificationsPorts:
    return NotificationsPorts(
        uow=DjangoUnitOfWork,
        log=DjangoDeliveryLog(),
        mailer=DjangoTemplateMailer(),
        failures=failure_notes.AfterTaskFailureNotes(),
        clock=utc_now,
        contact_of=contact_of,
        reset_url=reset_url,
        retention=retention,
    )


def wire() -> None:
    notifications_use_cases.provide(compose_use_cases(django_ports()))
    failure_notes.connect()
