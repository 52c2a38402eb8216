"""The query facade other contexts call through `contexts.catalog.contracts`."""

from collections.abc import Iterable, Mapping
from typing import Any

from contexts.catalog.contracts import CatalogFacade, SkuSummary
from contexts.catalog.domain.errors import InvalidSkuCode
from contexts.catalog.domain.values import SkuCode
from contexts.catalog.infrastructure.models import Sku
from contexts.catalog.infrastructure.repositories import attributes_of
from shared_kernel.domain.money import Money

_FIELDS = (
    "code",
    "product_id",
    "product__name",
    "product__published",
    "attributes",
    "price_amount",
    "price_currency",
)


class DjangoCatalogFacade(CatalogFacade):
    def sku(self, code: str) -> SkuSummary | None:
        return self.skus([code]).get(code)

    def skus(self, codes: Iterable[str]) -> dict[str, SkuSummary]:
        """Keyed by the codes as asked: `shirt-m` finds `SHIRT-M` under `shirt-m`."""
        asked = {normalised: code for code in codes if (normalised := _normalised(code))}
        rows = Sku.objects.filter(code__in=asked).values(*_FIELDS)
        return {asked[row["code"]]: _summary(row) for row in rows}

    def sku_codes(self) -> list[str]:
        return list(Sku.objects.order_by("code").values_list("code", flat=True))


def _normalised(code: str) -> str | None:
    try:
        return SkuCode(code).value
    except InvalidSkuCode:
        return None


def _summary(row: Mapping[str, Any]) -> SkuSummary:
    attributes = attributes_of(row["attributes"])
    name = row["product__name"] + (f" ({attributes})" if attributes.pairs else "")
    return SkuSummary(
        code=row["code"],
        product_id=row["product_id"],
        name=name,
        price=Money.of(row["price_amount"], row["price_currency"]),
        published=row["product__published"],
    )
