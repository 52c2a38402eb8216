"""What catalog's use cases need from the outside world, stated as abstract ports.

Each has Django's adapter (`infrastructure/`) and the tests' in-memory fake
(`tests/catalog/fakes.py`). The reads that need no rule are query objects
(`application/queries.py`).
"""

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from contexts.catalog.domain.category import Category, CategoryId
from contexts.catalog.domain.product import Product
from contexts.catalog.domain.values import SkuCode, Slug


class CategoryRepository(ABC):
    @abstractmethod
    def get(self, slug: Slug) -> Category:
        """The category, or CategoryNotFound."""

    @abstractmethod
    def find(self, slug: Slug) -> Category | None: ...

    @abstractmethod
    def lineage(self, category_id: CategoryId) -> list[CategoryId]:
        """The category's id and its ancestors', nearest first."""

    @abstractmethod
    def add(self, category: Category) -> None:
        """Store a new category; SlugTaken if the slug is, even by one committed a moment
        ago (the store's uniqueness decides)."""

    @abstractmethod
    def save(self, category: Category) -> None:
        """StaleAggregate if the category changed since it was loaded."""


class ProductRepository(ABC):
    """Products with their SKUs, versioned as one aggregate."""

    @abstractmethod
    def get(self, slug: Slug) -> Product:
        """The product, or ProductNotFound."""

    @abstractmethod
    def get_by_sku(self, code: SkuCode) -> Product:
        """The product holding this SKU, or SkuNotFound."""

    @abstractmethod
    def slug_taken(self, slug: Slug) -> bool: ...

    @abstractmethod
    def taken_codes(self, codes: Iterable[SkuCode]) -> set[SkuCode]:
        """Those of `codes` some product's SKU has already."""

    @abstractmethod
    def add(self, product: Product) -> None:
        """Store a new product with its SKUs; SlugTaken or SkuCodeTaken when another
        product has them, even one committed a moment ago (the store decides)."""

    @abstractmethod
    def save(self, product: Product) -> None:
        """Store the changes with any SKUs added; StaleAggregate if the product changed
        since it was loaded, SkuCodeTaken if another product took a new SKU's code."""

    @abstractmethod
    def slug_of_sku(self, code: str) -> Slug | None:
        """The slug of the product holding this SKU, or None for a code catalog lacks."""


class AvailabilityLedger(ABC):
    """The read model of how many of each SKU can be sold, fed by inventory's StockChanged."""

    @abstractmethod
    def record(self, sku: str, *, available: int, sequence: int) -> bool:
        """Hold `available` for `sku` unless a newer sequence is held already (0 always
        applies: its publisher keeps no sequence). Whether it was applied."""


@dataclass(frozen=True, slots=True)
class CachedPage:
    """A rendered product page and its ETag (a digest of the body: a new body, a new tag)."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> "CachedPage":
        return cls(body=body, etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"')


class ProductPageCache(ABC):
    """Cached product pages (rendered public detail bodies, with their ETags). An
    accelerator: with the cache unreachable every read renders the page afresh."""

    @abstractmethod
    def page(self, slug: str, render: Callable[[], bytes]) -> CachedPage:
        """The product's page as cached, or `render()`ed and kept (nothing is kept when
        `render` raises: a product not found is never cached)."""

    @abstractmethod
    def forget(self, slug: Slug) -> None:
        """The product's cached page is stale: the next read renders it afresh, with a new
        ETag. Takes effect when the unit of work commits, so a reader cannot cache what
        it read before the change."""
