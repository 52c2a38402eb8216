"""Catalog's use cases: each a frozen dataclass of the ports it needs, called with the
command's fields. Load, call the domain, save; the unit of work publishes what the
product raised, with its version as the sequence (ARCHITECTURE.md §2).
`services.compose_use_cases` builds them all."""

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from contexts.catalog.application.ports import (
    AvailabilityLedger,
    CategoryRepository,
    ProductPageCache,
    ProductRepository,
)
from contexts.catalog.domain.category import Category, CategoryId
from contexts.catalog.domain.errors import (
    InvalidPrice,
    InvalidSkuCode,
    InvalidSlug,
    ProductNotFound,
    SkuCodeTaken,
    SkuNotFound,
    SlugTaken,
    UnknownCategory,
)
from contexts.catalog.domain.product import Product, ProductId, Sku
from contexts.catalog.domain.values import Attributes, Description, Name, SkuCode, Slug
from shared_kernel.application.unit_of_work import UnitOfWork
from shared_kernel.domain.errors import InvalidInput
from shared_kernel.domain.money import Money

NewUnitOfWork = Callable[[], UnitOfWork]
ShopCurrency = Callable[[], str]


@dataclass(frozen=True, kw_only=True, slots=True)
class CreateCategory:
    uow: NewUnitOfWork
    categories: CategoryRepository

    def __call__(self, *, slug: str, name: str, parent: str | None = None) -> Category:
        category_slug, category_name = Slug(slug), Name(name)
        with self.uow():
            parent_id = _parent_id(self.categories, parent)
            if self.categories.find(category_slug) is not None:
                raise SlugTaken("category", category_slug.value)
            category = Category(
                id=CategoryId.new(), slug=category_slug, name=category_name, parent_id=parent_id
            )
            self.categories.add(category)
        return category


@dataclass(frozen=True, kw_only=True, slots=True)
class ChangeCategory:
    """Rename a category or move it in the tree (the admin's change form)."""

    uow: NewUnitOfWork
    categories: CategoryRepository

    def __call__(self, *, slug: str, name: str, parent: str | None) -> Category:
        category_name = Name(name)
        with self.uow():
            category = self.categories.get(Slug(slug))
            parent_id = _parent_id(self.categories, parent)
            lineage = self.categories.lineage(parent_id) if parent_id is not None else []
            category.move_under(parent_id, parent_lineage=lineage)
            category.rename(category_name)
            self.categories.save(category)
        return category


@dataclass(frozen=True, kw_only=True, slots=True)
class CreateProduct:
    """A draft product, its slug made from the name when none is given; each SKU given
    announces itself (`SkuCreated`)."""

    uow: NewUnitOfWork
    categories: CategoryRepository
    products: ProductRepository
    currency: ShopCurrency

    def __call__(
        self,
        *,
        name: str,
        category: str,
        slug: str | None = None,
        description: str = "",
        skus: Sequence[Mapping[str, Any]] = (),
    ) -> Product:
        product_name = Name(name)
        product_slug = Slug(slug) if slug is not None else Slug.from_name(product_name)
        new_skus = [self._sku(index, given) for index, given in enumerate(skus)]
        with self.uow():
            category_id = _category_id(self.categories, category, field="category")
            if self.products.slug_taken(product_slug):
                raise SlugTaken("product", product_slug.value)
            _refuse_taken_codes(self.products, [sku.code for sku in new_skus])
            product = Product.draft(
                id=ProductId.new(),
                slug=product_slug,
                name=product_name,
                description=Description(description),
                category_id=category_id,
                skus=new_skus,
            )
            self.products.add(product)
        return product

    def _sku(self, index: int, given: Mapping[str, Any]) -> Sku:
        with _under(f"skus.{index}"):
            return new_sku(
                code=given["code"],
                attributes=given.get("attributes", {}),
                price=given["price"],
                currency=self.currency(),
            )


@dataclass(frozen=True, kw_only=True, slots=True)
class EditProduct:
    uow: NewUnitOfWork
    categories: CategoryRepository
    products: ProductRepository
    pages: ProductPageCache

    def __call__(
        self,
        *,
        slug: str,
        name: str | None = None,
        description: str | None = None,
        category: str | None = None,
    ) -> Product:
        with self.uow():
            product = self.products.get(_named_product(slug))
            product.edit(
                name=Name(name) if name is not None else None,
                description=Description(description) if description is not None else None,
                category_id=(
                    _category_id(self.categories, category, field="category")
                    if category is not None
                    else None
                ),
            )
            self.products.save(product)
            self.pages.forget(product.slug)
        return product


@dataclass(frozen=True, kw_only=True, slots=True)
class AddSku:
    uow: NewUnitOfWork
    products: ProductRepository
    currency: ShopCurrency
    pages: ProductPageCache

    def __call__(
        self, *, slug: str, code: str, attributes: Mapping[str, str], price: Money
    ) -> Product:
        sku = new_sku(code=code, attributes=attributes, price=price, currency=self.currency())
        with self.uow():
            product = self.products.get(_named_product(slug))
            _refuse_taken_codes(self.products, [sku.code])
            product.add_sku(sku)
            self.products.save(product)
            self.pages.forget(product.slug)
        return product


@dataclass(frozen=True, kw_only=True, slots=True)
class ChangeSku:
    """New attributes or a new price (`PriceChanged`) for a SKU, found by its code."""

    uow: NewUnitOfWork
    products: ProductRepository
    currency: ShopCurrency
    pages: ProductPageCache

    def __call__(
        self,
        *,
        code: str,
        attributes: Mapping[str, str] | None = None,
        price: Money | None = None,
    ) -> Product:
        sku_code = _named_sku(code)
        new_attributes = Attributes.of(attributes) if attributes is not None else None
        new_price = shop_price(price, self.currency()) if price is not None else None
        with self.uow():
            product = self.products.get_by_sku(sku_code)
            product.change_sku(sku_code, attributes=new_attributes, price=new_price)
            self.products.save(product)
            self.pages.forget(product.slug)
        return product


@dataclass(frozen=True, kw_only=True, slots=True)
class PublishProduct:
    uow: NewUnitOfWork
    products: ProductRepository
    pages: ProductPageCache

    def __call__(self, *, slug: str) -> Product:
        with self.uow():
            product = self.products.get(_named_product(slug))
            product.publish()
            self.products.save(product)
            self.pages.forget(product.slug)
        return product


@dataclass(frozen=True, kw_only=True, slots=True)
class UnpublishProduct:
    uow: NewUnitOfWork
    products: ProductRepository
    pages: ProductPageCache

    def __call__(self, *, slug: str) -> Product:
        with self.uow():
            product = self.products.get(_named_product(slug))
            product.unpublish()
            self.products.save(product)
            self.pages.forget(product.slug)
        return product


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordAvailability:
    """Inventory's stock of a SKU changed: hold how many can be sold, unless a newer
    figure is held already (delivery is at least once and unordered), and let the
    product's cached page go."""

    uow: NewUnitOfWork
    products: ProductRepository
    availability: AvailabilityLedger
    pages: ProductPageCache

    def __call__(self, *, sku: str, available: int, sequence: int) -> None:
        with self.uow():
            if not self.availability.record(sku, available=available, sequence=sequence):
                return
            slug = self.products.slug_of_sku(sku)
            if slug is not None:
                self.pages.forget(slug)


def new_sku(*, code: str, attributes: Mapping[str, str], price: Money, currency: str) -> Sku:
    return Sku(
        code=SkuCode(code), attributes=Attributes.of(attributes), price=shop_price(price, currency)
    )


def shop_price(price: Money, currency: str) -> Money:
    """Prices are in the shop's one currency (`SHOP_CURRENCY`), never converted."""
    if price.currency != currency:
        raise InvalidPrice(f"Prices are in {currency}.")
    return price


def _named_product(slug: str) -> Slug:
    """A product named in a path: one whose slug cannot exist is not found, not invalid."""
    try:
        return Slug(slug)
    except InvalidSlug:
        raise ProductNotFound(f"No product '{slug}'.") from None


def _named_sku(code: str) -> SkuCode:
    try:
        return SkuCode(code)
    except InvalidSkuCode:
        raise SkuNotFound(f"No SKU '{code}'.") from None


def _category_id(categories: CategoryRepository, slug: str, *, field: str) -> CategoryId:
    try:
        category = categories.find(Slug(slug))
    except InvalidSlug:
        category = None
    if category is None:
        raise UnknownCategory(str(slug), field=field)
    return category.id


def _parent_id(categories: CategoryRepository, slug: str | None) -> CategoryId | None:
    return _category_id(categories, slug, field="parent") if slug is not None else None


def _refuse_taken_codes(products: ProductRepository, codes: Sequence[SkuCode]) -> None:
    """A friendly early answer; the store's uniqueness has the last word in a race."""
    seen: set[SkuCode] = set()
    for code in codes:
        if code in seen:
            raise SkuCodeTaken(code.value)
        seen.add(code)
    taken = products.taken_codes(codes)
    if taken:
        raise SkuCodeTaken(min(taken, key=str).value)


@contextmanager
def _under(prefix: str) -> Iterator[None]:
    """Report an input refused inside a list item on its path (`skus.1.price`)."""
    try:
        yield
    except InvalidInput as refused:
        placed = InvalidInput(f"{prefix}.{refused.field}", refused.messages)
        placed.title, placed.code = refused.title, refused.code
        raise placed from refused
