from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from contexts.catalog.contracts import catalog_facade
from tests.ordering.fakes import FakeCatalog
from tests.support.factories import StaffFactory, UserFactory


@pytest.fixture(autouse=True)
def catalog() -> Iterator[FakeCatalog]:
    """Catalog's facade replaced by a fake with a few SKUs, the real one put back after."""
    fake = FakeCatalog()
    fake.add("SHIRT-M", "19.90", name="Linen shirt (size M)")
    fake.add("MUG", "8.50", name="Mug")
    fake.add("OLD", "5.00", published=False)
    with catalog_facade.overridden(fake):
        yield fake


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    cache.clear()


@pytest.fixture
def ann(db: None) -> Any:
    return UserFactory(email="ann@example.com")


@pytest.fixture
def bob(db: None) -> Any:
    return UserFactory(email="bob@example.com")


@pytest.fixture
def staff(db: None) -> Any:
    return StaffFactory(email="staff@example.com")


def client_of(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client
