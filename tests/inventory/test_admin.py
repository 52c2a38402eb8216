"""Inventory's back-office: stock levels with a low-stock filter, restock and adjust
through the use cases, movements and reservations read-only."""

import uuid

import pytest
from django.test import Client

from contexts.inventory.application.services import inventory_use_cases
from contexts.inventory.domain.stock import stock_id
from contexts.inventory.models import Reservation, Stock, StockMovement
from shared_kernel.messaging.models import OutboxEvent
from tests.inventory.conftest import FakeCatalog
from tests.support.factories import StaffFactory

pytestmark = pytest.mark.django_db
STOCK = "/admin/inventory/stock/"


@pytest.fixture
def boss() -> object:
    return StaffFactory.create(email="boss@example.com", is_superuser=True)


@pytest.fixture
def staff_client(boss: object) -> Client:
    client = Client()
    client.force_login(boss)  # type: ignore[arg-type]
    return client


@pytest.fixture
def stocked(catalog: FakeCatalog) -> None:
    catalog.know("NEW")
    for sku, quantity in {"EMPTY": 0, "FEW": 3, "MANY": 40}.items():
        inventory_use_cases().open_stock(sku=sku)
        if quantity:
            inventory_use_cases().restock(sku=sku, quantity=quantity, by=None)


def change_page(sku: str) -> str:
    return f"{STOCK}{stock_id(sku)}/change/"


def levels(sku: str) -> tuple[int, int]:
    row = Stock.objects.get(sku=sku)
    return row.on_hand, row.reserved


def listed(response: object) -> set[str]:
    return {row.sku for row in response.context["cl"].result_list}  # type: ignore[attr-defined]


def test_lists_stock_with_a_low_stock_filter(staff_client: Client, stocked: None) -> None:
    inventory_use_cases().reserve_stock(
        order_id=uuid.uuid4(), lines=[("MANY", 36)], order_sequence=1
    )
    assert listed(staff_client.get(STOCK)) == {"EMPTY", "FEW", "MANY"}
    assert listed(staff_client.get(STOCK, {"available": "out"})) == {"EMPTY"}
    assert listed(staff_client.get(STOCK, {"available": "low"})) == {"FEW", "MANY"}
    assert listed(staff_client.get(STOCK, {"q": "few"})) == {"FEW"}


def test_restocking_goes_through_the_use_case(
    staff_client: Client, stocked: None, boss: object
) -> None:
    response = staff_client.post(change_page("FEW"), {"restock": "7", "adjust": "", "reason": ""})
    assert response.status_code == 302, response.content
    assert levels("FEW") == (10, 0)
    movement = StockMovement.objects.get(sku="FEW", quantity=7)
    assert movement.by == boss.pk  # type: ignore[attr-defined]
    assert OutboxEvent.objects.filter(event_type="StockChanged", payload__on_hand=10).exists()


def test_adjusting_keeps_the_reason(staff_client: Client, stocked: None) -> None:
    response = staff_client.post(
        change_page("MANY"), {"restock": "", "adjust": "-5", "reason": "stocktake"}
    )
    assert response.status_code == 302, response.content
    assert levels("MANY") == (35, 0)
    assert StockMovement.objects.get(kind="adjustment").reason == "stocktake"


def test_an_adjustment_below_reserved_is_refused_on_the_form(
    staff_client: Client, stocked: None
) -> None:
    inventory_use_cases().reserve_stock(order_id=uuid.uuid4(), lines=[("FEW", 2)], order_sequence=1)
    response = staff_client.post(
        change_page("FEW"), {"restock": "", "adjust": "-2", "reason": "broken"}
    )
    assert response.status_code == 200
    assert "reserved for orders" in response.content.decode()
    assert levels("FEW") == (3, 2)
    assert not StockMovement.objects.filter(kind="adjustment").exists()


def test_an_adjustment_needs_a_reason(staff_client: Client, stocked: None) -> None:
    response = staff_client.post(change_page("FEW"), {"restock": "", "adjust": "1", "reason": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["reason"]
    assert levels("FEW") == (3, 0)


def test_adding_stocks_a_sku_the_catalog_knows(staff_client: Client, stocked: None) -> None:
    response = staff_client.post(
        f"{STOCK}add/", {"sku": "new", "restock": "4", "adjust": "", "reason": ""}
    )
    assert response.status_code == 302, response.content
    assert levels("NEW") == (4, 0)


def test_adding_an_unknown_sku_is_refused_on_the_form(staff_client: Client, stocked: None) -> None:
    response = staff_client.post(
        f"{STOCK}add/", {"sku": "NOPE", "restock": "4", "adjust": "", "reason": ""}
    )
    assert response.status_code == 200
    assert "catalog knows" in response.content.decode()
    assert not Stock.objects.filter(sku="NOPE").exists()


def test_movements_and_reservations_are_read_only(staff_client: Client, stocked: None) -> None:
    inventory_use_cases().reserve_stock(order_id=uuid.uuid4(), lines=[("FEW", 1)], order_sequence=1)
    reservation = Reservation.objects.get()
    movement = StockMovement.objects.first()
    assert movement is not None
    assert staff_client.get("/admin/inventory/stockmovement/").status_code == 200
    assert staff_client.get("/admin/inventory/reservation/").status_code == 200
    assert staff_client.get("/admin/inventory/reservation/add/").status_code == 403
    assert staff_client.get("/admin/inventory/stockmovement/add/").status_code == 403
    page = staff_client.post(
        f"/admin/inventory/reservation/{reservation.pk}/change/", {"status": "released"}
    )
    assert page.status_code == 403
    assert Reservation.objects.get().status == "held"
    assert staff_client.get(f"{STOCK}{stock_id('FEW')}/delete/").status_code == 403


def test_a_restock_and_a_refused_adjustment_together_change_nothing(
    staff_client: Client, stocked: None
) -> None:
    inventory_use_cases().reserve_stock(order_id=uuid.uuid4(), lines=[("FEW", 2)], order_sequence=1)
    events = OutboxEvent.objects.count()
    response = staff_client.post(
        change_page("FEW"), {"restock": "5", "adjust": "-7", "reason": "stocktake"}
    )
    assert response.status_code == 200
    assert "reserved for orders" in response.content.decode()
    assert levels("FEW") == (3, 2)
    assert StockMovement.objects.filter(sku="FEW").count() == 1  # the fixture's restock
    assert OutboxEvent.objects.count() == events


def test_a_restock_and_an_adjustment_together_are_both_kept(
    staff_client: Client, stocked: None
) -> None:
    response = staff_client.post(
        change_page("FEW"), {"restock": "5", "adjust": "-1", "reason": "one broken"}
    )
    assert response.status_code == 302, response.content
    assert levels("FEW") == (7, 0)
    kept = StockMovement.objects.filter(sku="FEW").order_by("on_hand_after")
    assert [(m.kind, m.quantity, m.on_hand_after) for m in kept] == [
        ("restock", 3, 3),
        ("adjustment", -1, 7),
        ("restock", 5, 8),
    ]
