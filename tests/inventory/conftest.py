"""Inventory's fixtures: a fake catalog (catalog is built in its own files), API clients."""

import ipaddress
import random
import uuid
from collections.abc import Iterable, Iterator
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from contexts.catalog.contracts import CatalogFacade, SkuSummary, catalog_facade
from shared_kernel.domain.money import Money


class FakeCatalog(CatalogFacade):
    """The SKUs catalog knows: add codes with `know(...)`."""

    def __init__(self) -> None:
        self.known: dict[str, SkuSummary] = {}

    def know(self, *codes: str) -> None:
        for code in codes:
            self.known[code] = SkuSummary(
                code=code,
                product_id=uuid.uuid4(),
                name=f"Product {code}",
                price=Money(Decimal("10.00"), "EUR"),
                published=True,
            )

    def sku(self, code: str) -> SkuSummary | None:
        return self.known.get(code)

    def skus(self, codes: Iterable[str]) -> dict[str, SkuSummary]:
        return {code: self.known[code] for code in codes if code in self.known}

    def sku_codes(self) -> list[str]:
        return sorted(self.known)


@pytest.fixture(autouse=True)
def catalog() -> Iterator[FakeCatalog]:
    """Catalog's facade replaced by a fake for every inventory test, the real one put back."""
    fake = FakeCatalog()
    with catalog_facade.overridden(fake):
        yield fake


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    """Throttle counters live in the cache; no test inherits another's."""
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    """An anonymous client with a client IP of its own (per-IP throttles never leak)."""
    address = ipaddress.IPv4Address((10 << 24) + random.getrandbits(24))
    return APIClient(REMOTE_ADDR=str(address))
