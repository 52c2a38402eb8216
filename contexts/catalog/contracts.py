"""Catalog's public face: the events it publishes and a small query facade.

The only module of catalog another context may import; pure Python (no Django at import
time). Events are version 1 (ARCHITECTURE.md §3); their `aggregate_id` is the product's id
and their `sequence` the product's version after the change.
"""

import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass

from shared_kernel.application.provider import Provider
from shared_kernel.domain.events import IntegrationEvent
from shared_kernel.domain.money import Money


@dataclass(frozen=True, kw_only=True)
class SkuCreated(IntegrationEvent):
    """A SKU was added to a product (a draft one included). Version 1."""

    sku: str
    product_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class ProductPublished(IntegrationEvent):
    """A product is visible to shoppers, with the codes of its SKUs. Version 1."""

    product_id: uuid.UUID
    slug: str
    skus: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ProductUnpublished(IntegrationEvent):
    """A product was taken off sale (products are unpublished, never deleted). Version 1."""

    product_id: uuid.UUID
    slug: str
    skus: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class PriceChanged(IntegrationEvent):
    """A SKU's price changed. Version 1."""

    sku: str
    old_price: Money
    new_price: Money


@dataclass(frozen=True, slots=True)
class SkuSummary:
    """What ordering and inventory need to know of a SKU, read-only.

    `name` is the product's name with the SKU's attributes, as a customer reads it on an
    order line ("Linen shirt (size M, colour blue)").
    """

    code: str
    product_id: uuid.UUID
    name: str
    price: Money
    published: bool


class CatalogFacade(ABC):
    """Questions other contexts may ask catalog. Answers are snapshots, never models."""

    @abstractmethod
    def sku(self, code: str) -> SkuSummary | None:
        """A SKU by its code, or None when catalog has never heard of it."""

    @abstractmethod
    def skus(self, codes: Iterable[str]) -> dict[str, SkuSummary]:
        """Several SKUs in one query, by code; unknown codes are left out."""

    @abstractmethod
    def sku_codes(self) -> list[str]:
        """Every SKU code catalog knows, sorted (demo loaders, back-office tools)."""


catalog_facade = Provider[CatalogFacade]("The catalog facade")
"""Provided by catalog's composition root when Django starts; another context's tests may
`catalog_facade.provide(fake)`."""
