"""Inventory's demo data: stock for every SKU of the demo catalog.

Run by `manage.py demo_data` after catalog's loader (loaders run by name). Idempotent: a
SKU already restocked or adjusted once is left as it is, however much of it was sold
since. Quantities cycle so the admin's low-stock filter has something to show.
"""

from itertools import cycle

from contexts.catalog.contracts import catalog_facade
from contexts.inventory.application.services import inventory_use_cases
from contexts.inventory.models import StockMovement

DEMO_QUANTITIES = (25, 12, 40, 4)


def load_demo_stock() -> list[str]:
    codes = catalog_facade().sku_codes()
    stocked_before = set(
        StockMovement.objects.filter(sku__in=codes).values_list("sku", flat=True).distinct()
    )
    restock = inventory_use_cases().restock
    fresh = [code for code in codes if code not in stocked_before]
    for code, quantity in zip(fresh, cycle(DEMO_QUANTITIES), strict=False):
        restock(sku=code, quantity=quantity, by=None)
    return [f"stock for {len(codes)} SKUs ({len(fresh)} stocked now)"]
