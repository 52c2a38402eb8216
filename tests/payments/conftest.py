import ipaddress
import random
import uuid
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from contexts.ordering.contracts import OrderingFacade, ordering_facade


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    """Throttle counters live in the cache; no test inherits another's."""
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    """An anonymous client with a client IP of its own (per-IP throttles never leak)."""
    address = ipaddress.IPv4Address((10 << 24) + random.getrandbits(24))
    return APIClient(REMOTE_ADDR=str(address))


class OrdersOf(OrderingFacade):
    """Ordering's facade as a test says: which customer placed which order."""

    def __init__(self) -> None:
        self.customers: dict[uuid.UUID, uuid.UUID] = {}

    def customer_of(self, order_id: uuid.UUID) -> uuid.UUID | None:
        return self.customers.get(order_id)


@pytest.fixture
def orders() -> Iterator[OrdersOf]:
    """Ordering is another context: its facade is faked here, and put back afterwards."""
    fake = OrdersOf()
    with ordering_facade.overridden(fake):
        yield fake
