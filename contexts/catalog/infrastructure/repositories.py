"""The repositories: categories, and products with their SKUs, kept in Django's ORM.

Uniqueness (category slug, product slug, SKU code) is checked early by the use cases for a
friendly answer and decided by the database's unique constraints: a race loses with the
same 409, never a 500. Each write that may hit one runs in a savepoint, so PostgreSQL's
transaction survives the refusal.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction

from contexts.catalog.application.ports import CategoryRepository, ProductRepository
from contexts.catalog.domain.category import Category, CategoryId
from contexts.catalog.domain.errors import (
    CategoryNotFound,
    ProductNotFound,
    SkuCodeTaken,
    SkuNotFound,
    SlugTaken,
)
from contexts.catalog.domain.product import Product, ProductId
from contexts.catalog.domain.product import Sku as SkuValue
from contexts.catalog.domain.values import Attributes, Description, Name, SkuCode, Slug
from contexts.catalog.infrastructure import models
from shared_kernel.application.unit_of_work import track
from shared_kernel.domain.money import Money
from shared_kernel.infrastructure import versioning

# How PostgreSQL (constraint name) and SQLite (table.column) name a broken unique constraint.
_CATEGORY_SLUG = ("catalog_category_slug_unique", "catalog_category.slug")
_PRODUCT_SLUG = ("catalog_product_slug_unique", "catalog_product.slug")
_SKU_CODE = ("catalog_sku_code_unique", "catalog_sku.code")
_SKU_FIELDS = ("code", "attributes", "price_amount", "price_currency")


class DjangoCategoryRepository(CategoryRepository):
    def get(self, slug: Slug) -> Category:
        found = self.find(slug)
        if found is None:
            raise CategoryNotFound(f"No category '{slug}'.")
        return found

    def find(self, slug: Slug) -> Category | None:
        row = models.Category.objects.filter(slug=slug.value).first()
        return _category(row) if row is not None else None

    def lineage(self, category_id: CategoryId) -> list[CategoryId]:
        parents = dict(models.Category.objects.values_list("id", "parent_id"))
        lineage: list[CategoryId] = []
        current: Any = category_id
        while current is not None and current not in lineage:
            lineage.append(CategoryId(current))
            current = parents.get(current)
        return lineage

    def add(self, category: Category) -> None:
        try:
            with transaction.atomic():
                versioning.insert(
                    models.Category,
                    category,
                    id=category.id,
                    slug=category.slug.value,
                    name=category.name.value,
                    parent_id=category.parent_id,
                )
        except IntegrityError as exc:
            if _broke(exc, _CATEGORY_SLUG):
                raise SlugTaken("category", category.slug.value) from exc
            raise

    def save(self, category: Category) -> None:
        versioning.update(
            models.Category, category, name=category.name.value, parent_id=category.parent_id
        )


class DjangoProductRepository(ProductRepository):
    def get(self, slug: Slug) -> Product:
        row = models.Product.objects.filter(slug=slug.value).first()
        if row is None:
            raise ProductNotFound(f"No product '{slug}'.")
        return _product(row)

    def get_by_sku(self, code: SkuCode) -> Product:
        row = models.Product.objects.filter(skus__code=code.value).first()
        if row is None:
            raise SkuNotFound(f"No SKU '{code}'.")
        return _product(row)

    def slug_taken(self, slug: Slug) -> bool:
        return models.Product.objects.filter(slug=slug.value).exists()

    def taken_codes(self, codes: Iterable[SkuCode]) -> set[SkuCode]:
        values = [code.value for code in codes]
        taken = models.Sku.objects.filter(code__in=values).values_list("code", flat=True)
        return {SkuCode(code) for code in taken}

    def add(self, product: Product) -> None:
        try:
            with transaction.atomic():
                versioning.insert(models.Product, product, id=product.id, **_columns(product))
                _insert_skus(product, product.skus)
        except IntegrityError as exc:
            if _broke(exc, _PRODUCT_SLUG):
                raise SlugTaken("product", product.slug.value) from exc
            raise _sku_code_taken(exc, product) from exc

    def save(self, product: Product) -> None:
        try:
            with transaction.atomic():
                stored = _stored_skus(product.id)
                _insert_skus(product, [sku for sku in product.skus if sku.code not in stored])
                for sku in product.skus:
                    if sku.code in stored and stored[sku.code] != sku:
                        _update_sku(sku)
                versioning.update(models.Product, product, **_columns(product))
        except IntegrityError as exc:
            raise _sku_code_taken(exc, product) from exc

    def slug_of_sku(self, code: str) -> Slug | None:
        slug = models.Sku.objects.filter(code=code).values_list("product__slug", flat=True).first()
        return Slug(slug) if slug is not None else None


def _columns(product: Product) -> dict[str, object]:
    return {
        "slug": product.slug.value,
        "name": product.name.value,
        "description": product.description.value,
        "category_id": product.category_id,
        "published": product.is_published,
    }


def _insert_skus(product: Product, skus: Iterable[SkuValue]) -> None:
    models.Sku.objects.bulk_create(
        models.Sku(
            product_id=product.id,
            code=sku.code.value,
            attributes=stored_attributes(sku.attributes),
            price_amount=sku.price.amount,
            price_currency=sku.price.currency,
        )
        for sku in skus
    )


def _update_sku(sku: SkuValue) -> None:
    models.Sku.objects.filter(code=sku.code.value).update(
        attributes=stored_attributes(sku.attributes),
        price_amount=sku.price.amount,
        price_currency=sku.price.currency,
    )


def stored_attributes(attributes: Attributes) -> list[list[str]]:
    """Pairs, not an object: PostgreSQL's jsonb reorders an object's keys, and the order
    staff gave is how a SKU is named (`size M, colour blue`)."""
    return [[key, value] for key, value in attributes.pairs]


def attributes_of(stored: list[list[str]]) -> Attributes:
    return Attributes(tuple((key, value) for key, value in stored))


def _stored_skus(product_id: ProductId) -> dict[SkuCode, SkuValue]:
    rows = models.Sku.objects.filter(product_id=product_id).values(*_SKU_FIELDS)
    return {sku.code: sku for sku in map(_sku, rows)}


def _sku(row: Mapping[str, Any]) -> SkuValue:
    """A stored SKU, read as stored: not refused by a rule made stricter since it was written."""
    return SkuValue(
        code=SkuCode(row["code"]),
        attributes=attributes_of(row["attributes"]),
        price=Money.of(row["price_amount"], row["price_currency"]),
    )


def _product(row: models.Product) -> Product:
    skus = models.Sku.objects.filter(product_id=row.id).order_by("id")
    product = Product(
        id=ProductId(row.id),
        slug=Slug(row.slug),
        name=Name(row.name),
        description=Description(row.description),
        category_id=CategoryId(row.category_id),
        published=row.published,
        skus=[
            _sku(sku) for sku in skus.values("code", "attributes", "price_amount", "price_currency")
        ],
        version=row.version,
    )
    track(product)
    return product


def _category(row: models.Category) -> Category:
    category = Category(
        id=CategoryId(row.id),
        slug=Slug(row.slug),
        name=Name(row.name),
        parent_id=CategoryId(row.parent_id) if row.parent_id is not None else None,
        version=row.version,
    )
    track(category)
    return category


def _broke(error: IntegrityError, names: tuple[str, ...]) -> bool:
    return any(name in str(error) for name in names)


def _sku_code_taken(error: IntegrityError, product: Product) -> Exception:
    """Which code was taken the database does not say in the same words everywhere: the
    first of the product's codes another product holds now (after the race) names it."""
    if not _broke(error, _SKU_CODE):
        return error
    mine = [sku.code.value for sku in product.skus]
    taken = (
        models.Sku.objects.filter(code__in=mine)
        .exclude(product_id=product.id)
        .values_list("code", flat=True)
        .first()
    )
    return SkuCodeTaken(taken or mine[0])
