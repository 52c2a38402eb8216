"""Catalog's reads: query objects returning frozen DTOs (ADR 0025).

A read that needs no rule (the category tree, a filtered page of products, a product's
detail) is a port here, implemented with the ORM in `infrastructure/queries.py`: it reads
rows, never aggregates, in a fixed number of SQL queries whatever the page size.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal

from shared_kernel.application.pages import Page, PageRequest
from shared_kernel.domain.money import Money


@dataclass(frozen=True, slots=True)
class CategoryNode:
    slug: str
    name: str
    children: tuple["CategoryNode", ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductFilters:
    """The public list's filters; None is "any". `category` includes its descendants;
    prices are inclusive and match any one SKU's price; `include_drafts` is for staff."""

    q: str | None = None
    category: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    include_drafts: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductListItem:
    slug: str
    name: str
    category: str
    price_from: Money | None  # the lowest SKU price; None for a product with no SKU yet
    in_stock: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class SkuView:
    code: str
    attributes: dict[str, str]
    price: Money
    available: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductDetail:
    slug: str
    name: str
    description: str
    category: str
    published: bool
    in_stock: bool
    skus: tuple[SkuView, ...]


class CategoryTree(ABC):
    @abstractmethod
    def roots(self) -> tuple[CategoryNode, ...]:
        """The whole tree, each level by name, in one query."""


class ProductList(ABC):
    @abstractmethod
    def page(self, filters: ProductFilters, request: PageRequest) -> Page[ProductListItem]:
        """Products by name, published ones only unless `include_drafts`; UnknownCategory
        (400 on `category`) for a category filter naming none; InvalidCursor for a cursor
        this list did not hand out."""


class ProductDetails(ABC):
    @abstractmethod
    def get(self, slug: str, *, include_drafts: bool = False) -> ProductDetail:
        """The product with its SKUs and their availability (a SKU inventory has not told
        about reads 0); ProductNotFound for a draft unless `include_drafts`."""
