import ipaddress
import random
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.identity.mailbox import Mailbox, subscribed
from tests.support.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    """Throttle counters live in the cache; no test inherits another's."""
    cache.clear()


@pytest.fixture(autouse=True)
def reset_mailbox() -> Iterator[Mailbox]:
    """A stand-in for the reset email, subscribed to PasswordResetRequested (`mailbox.py`)."""
    with subscribed() as mailbox:
        yield mailbox


@pytest.fixture
def api() -> APIClient:
    """An anonymous client with a client IP of its own, so per-IP throttles never leak
    between tests running in parallel against a shared cache."""
    address = ipaddress.IPv4Address((10 << 24) + random.getrandbits(24))
    return APIClient(REMOTE_ADDR=str(address))


@pytest.fixture
def user(db):
    return UserFactory(email="ann@example.com", full_name="Ann Lee")
