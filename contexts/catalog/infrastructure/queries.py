"""Catalog's query objects on the ORM (ADR 0025): rows read with `.values()` into frozen
DTOs, never aggregates, in a fixed number of SQL queries whatever the page size.

- the category tree: one query;
- a page of products: one query (keyset, `size + 1` rows; price from and stock as
  subqueries), plus one for the category tree when filtering by category;
- a product's detail: two queries (the product, its SKUs with their availability).
"""

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from contexts.catalog.application.queries import (
    CategoryNode,
    CategoryTree,
    ProductDetail,
    ProductDetails,
    ProductFilters,
    ProductList,
    ProductListItem,
    SkuView,
)
from contexts.catalog.domain.errors import ProductNotFound, UnknownCategory
from contexts.catalog.infrastructure import models
from contexts.catalog.infrastructure.repositories import attributes_of
from shared_kernel.application.pages import Page, PageRequest
from shared_kernel.domain.money import Money
from shared_kernel.infrastructure.paging import keyset_page

LIST_ORDER = ("name", "id")
SEARCH_CONFIG = "english"
SKU_VIEW_FIELDS = (
    "code",
    "attributes",
    "price_amount",
    "price_currency",
    "availability__available",
)


class DjangoCategoryTree(CategoryTree):
    def roots(self) -> tuple[CategoryNode, ...]:
        rows = models.Category.objects.order_by("name", "slug").values(
            "id", "slug", "name", "parent_id"
        )
        children: dict[Any, list[Mapping[str, Any]]] = defaultdict(list)
        for row in rows:
            children[row["parent_id"]].append(row)

        def nodes(parent_id: Any) -> tuple[CategoryNode, ...]:
            return tuple(
                CategoryNode(slug=row["slug"], name=row["name"], children=nodes(row["id"]))
                for row in children[parent_id]
            )

        return nodes(None)


class DjangoProductList(ProductList):
    def page(self, filters: ProductFilters, request: PageRequest) -> Page[ProductListItem]:
        products = _filtered(models.Product.objects.all(), filters)
        cheapest = models.Sku.objects.filter(product=OuterRef("pk")).order_by("price_amount", "id")
        rows = products.annotate(
            price_from=Subquery(cheapest.values("price_amount")[:1]),
            price_currency=Subquery(cheapest.values("price_currency")[:1]),
        ).values("id", "slug", "name", "category__slug", "price_from", "price_currency", "in_stock")
        return keyset_page(rows, request, order=LIST_ORDER, to_item=_list_item)


class DjangoProductDetails(ProductDetails):
    def get(self, slug: str, *, include_drafts: bool = False) -> ProductDetail:
        products = models.Product.objects.filter(slug=slug)
        if not include_drafts:
            products = products.filter(published=True)
        row = products.values(
            "id", "slug", "name", "description", "category__slug", "published"
        ).first()
        if row is None:
            raise ProductNotFound(f"No product '{slug}'.")
        skus = tuple(
            _sku_view(sku)
            for sku in models.Sku.objects.filter(product_id=row["id"])
            .order_by("id")
            .values(
                "code", "attributes", "price_amount", "price_currency", "availability__available"
            )
        )
        return ProductDetail(
            slug=row["slug"],
            name=row["name"],
            description=row["description"],
            category=row["category__slug"],
            published=row["published"],
            in_stock=any(sku.available > 0 for sku in skus),
            skus=skus,
        )


def _filtered(products: QuerySet[models.Product], filters: ProductFilters) -> QuerySet[Any]:
    if not filters.include_drafts:
        products = products.filter(published=True)
    if filters.category is not None:
        products = products.filter(category_id__in=_category_and_descendants(filters.category))
    if filters.q:
        products = _matching(products, filters.q)
    if filters.min_price is not None or filters.max_price is not None:
        products = products.filter(Exists(_skus_priced_within(filters)))
    in_stock = models.Sku.objects.filter(product=OuterRef("pk"), availability__available__gt=0)
    products = products.annotate(in_stock=Exists(in_stock))
    if filters.in_stock is not None:
        products = products.filter(in_stock=filters.in_stock)
    return products


def _category_and_descendants(slug: str) -> list[Any]:
    rows = list(models.Category.objects.values_list("id", "slug", "parent_id"))
    found = [category_id for category_id, category_slug, _ in rows if category_slug == slug]
    if not found:
        raise UnknownCategory(slug)
    children: dict[Any, list[Any]] = defaultdict(list)
    for category_id, _, parent_id in rows:
        children[parent_id].append(category_id)
    family, index = found, 0
    while index < len(family):
        family.extend(children[family[index]])
        index += 1
    return family


def _matching(products: QuerySet[models.Product], q: str) -> QuerySet[models.Product]:
    """Full-text on PostgreSQL (English stemming, web-search syntax: `"linen shirt" -blue`);
    elsewhere (SQLite, the embedded mode) a plain case-insensitive substring match."""
    if connection.vendor == "postgresql":
        vector = SearchVector("name", weight="A", config=SEARCH_CONFIG) + SearchVector(
            "description", weight="B", config=SEARCH_CONFIG
        )
        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        return products.annotate(search=vector).filter(search=query)
    return products.filter(Q(name__icontains=q) | Q(description__icontains=q))


def _skus_priced_within(filters: ProductFilters) -> QuerySet[models.Sku]:
    """A SKU of the product whose one price is within both bounds (inclusive)."""
    skus = models.Sku.objects.filter(product=OuterRef("pk"))
    if filters.min_price is not None:
        skus = skus.filter(price_amount__gte=filters.min_price)
    if filters.max_price is not None:
        skus = skus.filter(price_amount__lte=filters.max_price)
    return skus


def _list_item(row: Mapping[str, Any]) -> ProductListItem:
    price_from = row["price_from"]
    return ProductListItem(
        slug=row["slug"],
        name=row["name"],
        category=row["category__slug"],
        price_from=Money.of(price_from, row["price_currency"]) if price_from is not None else None,
        in_stock=row["in_stock"],
    )


def _sku_view(row: Mapping[str, Any]) -> SkuView:
    return SkuView(
        code=row["code"],
        attributes=attributes_of(row["attributes"]).as_dict(),
        price=Money.of(row["price_amount"], row["price_currency"]),
        available=row["availability__available"] or 0,
    )
