import ipaddress
import random
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from contexts.ordering.contracts import ordering_facade
from tests.payments.fakes import FakeOrdering


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    """Throttle counters live in the cache; no test inherits another's."""
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    """An anonymous client with a client IP of its own (per-IP throttles never leak)."""
    address = ipaddress.IPv4Address((10 << 24) + random.getrandbits(24))
    return APIClient(REMOTE_ADDR=str(address))


@pytest.fixture
def orders() -> Iterator[FakeOrdering]:
    """Ordering is another context: its facade is faked here, and put back afterwards."""
    fake = FakeOrdering()
    with ordering_facade.overridden(fake):
        yield fake
