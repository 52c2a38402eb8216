import ipaddress
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from contexts.catalog.application.services import catalog_use_cases
from contexts.catalog.domain.product import Product
from shared_kernel.domain.money import Money
from tests.support.factories import StaffFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Throttle counters and product pages live in the cache; no test inherits another's."""
    cache.clear()


def _client() -> APIClient:
    """A client with a client IP of its own, so per-IP throttles never leak between tests."""
    return APIClient(REMOTE_ADDR=str(ipaddress.IPv4Address((10 << 24) + random.getrandbits(24))))


@pytest.fixture
def api() -> APIClient:
    return _client()


@pytest.fixture
def staff_api(db: None) -> APIClient:
    client = _client()
    client.force_authenticate(StaffFactory.create())
    return client


@pytest.fixture
def customer_api(db: None) -> APIClient:
    client = _client()
    client.force_authenticate(UserFactory.create())
    return client


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def price(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


@pytest.fixture
def tree(db: None) -> None:
    """clothing > shirts > linen; home."""
    create = catalog_use_cases().create_category
    create(slug="clothing", name="Clothing")
    create(slug="shirts", name="Shirts", parent="clothing")
    create(slug="linen", name="Linen", parent="shirts")
    create(slug="home", name="Home")


MakeProduct = Callable[..., Product]


@pytest.fixture
def make_product(tree: None) -> MakeProduct:
    """A product through the use cases, published unless `publish=False`."""

    def make(
        slug: str,
        *,
        category: str = "shirts",
        prices: tuple[str, ...] = ("19.90",),
        publish: bool = True,
        **fields: Any,
    ) -> Product:
        use_cases = catalog_use_cases()
        skus = [
            {"code": f"{slug}-{index}", "attributes": {"size": str(index)}, "price": eur(amount)}
            for index, amount in enumerate(prices)
        ]
        fields.setdefault("name", slug.replace("-", " ").title())
        product = use_cases.create_product(slug=slug, category=category, skus=skus, **fields)
        if publish:
            product = use_cases.publish_product(slug=slug)
        return product

    return make
