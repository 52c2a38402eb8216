"""Inventory's demo loader: stock for every SKU of the demo catalog, loaded idempotently."""

import pytest

from contexts.inventory.demo import DEMO_QUANTITIES, load_demo_stock
from contexts.inventory.models import Stock, StockMovement
from shared_kernel.demo import demo_loaders
from tests.inventory.conftest import FakeCatalog

pytestmark = pytest.mark.django_db


def on_hand() -> dict[str, int]:
    return dict(Stock.objects.values_list("sku", "on_hand"))


def test_is_registered_for_manage_py_demo_data() -> None:
    assert demo_loaders()["inventory"] is load_demo_stock


def test_stocks_every_sku_of_the_catalog(catalog: FakeCatalog) -> None:
    catalog.know("A", "B", "C", "D", "E")
    assert load_demo_stock() == ["stock for 5 SKUs (5 stocked now)"]
    assert on_hand() == dict(zip("ABCDE", (*DEMO_QUANTITIES, DEMO_QUANTITIES[0]), strict=True))


def test_loading_twice_changes_nothing(catalog: FakeCatalog) -> None:
    catalog.know("A", "B")
    load_demo_stock()
    before = on_hand()
    assert load_demo_stock() == ["stock for 2 SKUs (0 stocked now)"]
    assert on_hand() == before
    assert StockMovement.objects.count() == 2


def test_a_sku_added_to_the_catalog_later_is_stocked_next_time(catalog: FakeCatalog) -> None:
    catalog.know("A")
    load_demo_stock()
    catalog.know("B")
    load_demo_stock()
    assert on_hand() == {"A": DEMO_QUANTITIES[0], "B": DEMO_QUANTITIES[0]}
