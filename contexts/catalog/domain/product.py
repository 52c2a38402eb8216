"""The product: what the shop sells, with the SKUs a customer actually buys."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Self

from contexts.catalog.contracts import (
    PriceChanged,
    ProductPublished,
    ProductUnpublished,
    SkuCreated,
)
from contexts.catalog.domain.category import CategoryId
from contexts.catalog.domain.errors import NothingToSell, SkuCodeTaken, SkuNotFound
from contexts.catalog.domain.values import Attributes, Description, Name, SkuCode, Slug, valid_price
from shared_kernel.domain.aggregate import AggregateRoot
from shared_kernel.domain.ids import EntityId
from shared_kernel.domain.money import Money


class ProductId(EntityId):
    pass


@dataclass(frozen=True, slots=True)
class Sku:
    """One buyable variant of a product: a shop-wide unique code, its attributes, a price."""

    code: SkuCode
    attributes: Attributes
    price: Money

    def __post_init__(self) -> None:
        valid_price(self.price)

    @property
    def is_priced(self) -> bool:
        return self.price.is_positive


class Product(AggregateRoot):
    """A versioned aggregate holding its SKUs. Its rules:

    - a product is published only while at least one of its SKUs is priced above zero,
      so a price change that would leave a published product nothing to sell is refused;
    - its SKU codes are unique (across the shop: the repository's store has the last word);
    - every SKU added announces itself (`SkuCreated`), a draft's included, and every price
      change too (`PriceChanged`); publishing and unpublishing announce the product with
      its SKU codes. Publishing a published product (or unpublishing a draft) changes
      nothing and announces nothing.
    """

    def __init__(
        self,
        *,
        id: ProductId,
        slug: Slug,
        name: Name,
        description: Description,
        category_id: CategoryId,
        published: bool = False,
        skus: Iterable[Sku] = (),
        version: int = 0,
    ) -> None:
        super().__init__(version=version)
        self.id = id
        self.slug = slug
        self._name = name
        self._description = description
        self._category_id = category_id
        self._published = published
        self._skus: dict[SkuCode, Sku] = {sku.code: sku for sku in skus}

    @classmethod
    def draft(
        cls,
        *,
        id: ProductId,
        slug: Slug,
        name: Name,
        description: Description,
        category_id: CategoryId,
        skus: Iterable[Sku] = (),
    ) -> Self:
        """A new, unpublished product; each of its SKUs announces itself."""
        product = cls(id=id, slug=slug, name=name, description=description, category_id=category_id)
        for sku in skus:
            product.add_sku(sku)
        return product

    @property
    def name(self) -> Name:
        return self._name

    @property
    def description(self) -> Description:
        return self._description

    @property
    def category_id(self) -> CategoryId:
        return self._category_id

    @property
    def is_published(self) -> bool:
        return self._published

    @property
    def skus(self) -> tuple[Sku, ...]:
        return tuple(self._skus.values())

    def sku(self, code: SkuCode) -> Sku:
        try:
            return self._skus[code]
        except KeyError:
            raise SkuNotFound(f"No SKU '{code}' in this product.") from None

    def edit(
        self,
        *,
        name: Name | None = None,
        description: Description | None = None,
        category_id: CategoryId | None = None,
    ) -> None:
        """Change what is given; what is None stays as it is."""
        self._name = name or self._name
        self._description = description if description is not None else self._description
        self._category_id = category_id or self._category_id

    def add_sku(self, sku: Sku) -> None:
        if sku.code in self._skus:
            raise SkuCodeTaken(sku.code.value)
        self._skus[sku.code] = sku
        self.record(SkuCreated(sku=sku.code.value, product_id=self.id))

    def change_sku(
        self, code: SkuCode, *, attributes: Attributes | None = None, price: Money | None = None
    ) -> None:
        current = self.sku(code)
        changed = replace(
            current,
            attributes=attributes if attributes is not None else current.attributes,
            price=price if price is not None else current.price,
        )
        if self._published and not self._sells(changed):
            raise NothingToSell(
                "This change would leave a published product without a SKU priced above "
                "zero: unpublish it first."
            )
        self._skus[code] = changed
        if changed.price != current.price:
            self.record(
                PriceChanged(sku=code.value, old_price=current.price, new_price=changed.price)
            )

    def publish(self) -> None:
        if self._published:
            return
        if not self._sells():
            raise NothingToSell()
        self._published = True
        self.record(ProductPublished(product_id=self.id, slug=self.slug.value, skus=self._codes()))

    def unpublish(self) -> None:
        if not self._published:
            return
        self._published = False
        self.record(
            ProductUnpublished(product_id=self.id, slug=self.slug.value, skus=self._codes())
        )

    def _sells(self, replacing: Sku | None = None) -> bool:
        """Whether some SKU is priced above zero, with `replacing` in place of its namesake."""
        skus = dict(self._skus)
        if replacing is not None:
            skus[replacing.code] = replacing
        return any(sku.is_priced for sku in skus.values())

    def _codes(self) -> tuple[str, ...]:
        return tuple(code.value for code in self._skus)
