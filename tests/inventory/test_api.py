"""Inventory's staff API (ARCHITECTURE.md §5): the stock shape, restock, adjust, and who
may call them."""

import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from contexts.inventory.application.services import inventory_use_cases
from contexts.inventory.models import Stock, StockMovement
from shared_kernel.messaging.models import OutboxEvent
from tests.inventory.conftest import FakeCatalog
from tests.support.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
PROBLEM_KEYS = {"type", "title", "status", "detail"}


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body.keys() >= PROBLEM_KEYS
    assert body["status"] == status
    return body


@pytest.fixture
def staff(api: APIClient) -> Any:
    member = StaffFactory.create()
    api.force_authenticate(member)
    return member


@pytest.fixture
def stocked(catalog: FakeCatalog) -> None:
    catalog.know("SHIRT-M", "NEW")
    inventory_use_cases().restock(sku="SHIRT-M", quantity=10, by=None)


def stock_of(sku: str) -> tuple[int, int]:
    row = Stock.objects.get(sku=sku)
    return row.on_hand, row.reserved


class TestWhoMayCall:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("get", "/api/v1/inventory/stock/SHIRT-M"),
            ("post", "/api/v1/inventory/stock/SHIRT-M/restock"),
            ("post", "/api/v1/inventory/stock/SHIRT-M/adjust"),
            ("get", "/api/v1/inventory/stock/NOPE"),
            ("post", "/api/v1/inventory/stock/NOPE/restock"),
            ("post", "/api/v1/inventory/stock/NOPE/adjust"),
        ],
    )
    def test_anonymous_is_401_and_a_customer_403(
        self, api: APIClient, stocked: None, method: str, path: str
    ) -> None:
        body = {"quantity": 1, "reason": "x"}
        response = getattr(api, method)(path, body, format="json")
        problem(response, 401)
        assert response.has_header("WWW-Authenticate")
        api.force_authenticate(UserFactory.create())
        problem(getattr(api, method)(path, body, format="json"), 403)
        assert stock_of("SHIRT-M") == (10, 0)


class TestReadStock:
    def test_the_stock_shape(self, api: APIClient, staff: Any, stocked: None) -> None:
        inventory_use_cases().reserve_stock(
            order_id=uuid.uuid4(), lines=[("SHIRT-M", 3)], order_sequence=1
        )
        response = api.get("/api/v1/inventory/stock/SHIRT-M")
        assert response.status_code == 200
        assert response.json() == {"sku": "SHIRT-M", "on_hand": 10, "reserved": 3, "available": 7}

    def test_a_sku_the_catalog_knows_reads_as_zeros(
        self, api: APIClient, staff: Any, stocked: None
    ) -> None:
        response = api.get("/api/v1/inventory/stock/NEW")
        assert response.json() == {"sku": "NEW", "on_hand": 0, "reserved": 0, "available": 0}
        assert not Stock.objects.filter(sku="NEW").exists()

    def test_an_unknown_sku_is_404(self, api: APIClient, staff: Any, stocked: None) -> None:
        problem(api.get("/api/v1/inventory/stock/NOPE"), 404)


@pytest.mark.parametrize("sku", ["A%00B", "A%20B", "-M", "A" * 65])
def test_a_code_catalog_could_never_give_is_404_on_every_route(
    api: APIClient, staff: Any, catalog: FakeCatalog, sku: str
) -> None:
    catalog.know("A")
    path = f"/api/v1/inventory/stock/{sku}"
    problem(api.get(path), 404)
    problem(api.post(f"{path}/restock", {"quantity": 1}, format="json"), 404)
    problem(api.post(f"{path}/adjust", {"quantity": 1, "reason": "x"}, format="json"), 404)
    assert not Stock.objects.exists()


class TestRestock:
    def test_adds_and_answers_the_new_stock(
        self, api: APIClient, staff: Any, stocked: None
    ) -> None:
        response = api.post(
            "/api/v1/inventory/stock/SHIRT-M/restock", {"quantity": 5}, format="json"
        )
        assert response.status_code == 200
        assert response.json() == {"sku": "SHIRT-M", "on_hand": 15, "reserved": 0, "available": 15}
        movement = StockMovement.objects.get(quantity=5)
        assert (movement.kind, movement.by, movement.on_hand_after) == ("restock", staff.pk, 15)

    def test_a_sku_the_catalog_knows_restocks_as_a_row_at_zero(
        self, api: APIClient, staff: Any, stocked: None
    ) -> None:
        response = api.post("/api/v1/inventory/stock/NEW/restock", {"quantity": 2}, format="json")
        assert response.json() == {"sku": "NEW", "on_hand": 2, "reserved": 0, "available": 2}
        assert stock_of("NEW") == (2, 0)

    def test_an_unknown_sku_is_404(self, api: APIClient, staff: Any, stocked: None) -> None:
        response = api.post("/api/v1/inventory/stock/NOPE/restock", {"quantity": 2}, format="json")
        problem(response, 404)
        assert not Stock.objects.filter(sku="NOPE").exists()

    @pytest.mark.parametrize("quantity", [0, -3, "5", 2.5, True, None, 1_000_000_001])
    def test_a_bad_quantity_is_400(
        self, api: APIClient, staff: Any, stocked: None, quantity: object
    ) -> None:
        response = api.post(
            "/api/v1/inventory/stock/SHIRT-M/restock", {"quantity": quantity}, format="json"
        )
        assert "quantity" in problem(response, 400)["errors"]
        assert stock_of("SHIRT-M") == (10, 0)


class TestAdjust:
    def test_corrects_the_count_keeping_the_reason(
        self, api: APIClient, staff: Any, stocked: None
    ) -> None:
        response = api.post(
            "/api/v1/inventory/stock/SHIRT-M/adjust",
            {"quantity": -4, "reason": "water damage"},
            format="json",
        )
        assert response.status_code == 200
        assert response.json() == {"sku": "SHIRT-M", "on_hand": 6, "reserved": 0, "available": 6}
        movement = StockMovement.objects.get(kind="adjustment")
        assert (movement.quantity, movement.reason, movement.by) == (-4, "water damage", staff.pk)

    def test_a_sku_the_catalog_knows_adjusts_as_a_row_at_zero(
        self, api: APIClient, staff: Any, stocked: None
    ) -> None:
        response = api.post(
            "/api/v1/inventory/stock/NEW/adjust", {"quantity": 3, "reason": "found"}, format="json"
        )
        assert response.json()["on_hand"] == 3

    def test_an_unknown_sku_is_404(self, api: APIClient, staff: Any, stocked: None) -> None:
        response = api.post(
            "/api/v1/inventory/stock/NOPE/adjust", {"quantity": 2, "reason": "found"}, format="json"
        )
        problem(response, 404)
        assert not Stock.objects.filter(sku="NOPE").exists()
        assert not StockMovement.objects.filter(kind="adjustment").exists()

    def test_below_reserved_is_409_and_changes_nothing(
        self, api: APIClient, staff: Any, stocked: None
    ) -> None:
        inventory_use_cases().reserve_stock(
            order_id=uuid.uuid4(), lines=[("SHIRT-M", 8)], order_sequence=1
        )
        events = OutboxEvent.objects.count()
        response = api.post(
            "/api/v1/inventory/stock/SHIRT-M/adjust",
            {"quantity": -3, "reason": "stocktake"},
            format="json",
        )
        problem(response, 409)
        assert stock_of("SHIRT-M") == (10, 8)
        assert OutboxEvent.objects.count() == events
        assert not StockMovement.objects.filter(kind="adjustment").exists()

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"quantity": 0, "reason": "x"}, "quantity"),
            ({"quantity": "1", "reason": "x"}, "quantity"),
            ({"quantity": 1}, "reason"),
            ({"quantity": 1, "reason": ""}, "reason"),
            ({"quantity": 1, "reason": "x" * 201}, "reason"),
            ({"quantity": 1, "reason": 5}, "reason"),
            ({"quantity": 1, "reason": "x\u0000y"}, "reason"),
        ],
    )
    def test_bad_input_is_400(
        self, api: APIClient, staff: Any, stocked: None, body: dict[str, object], field: str
    ) -> None:
        response = api.post("/api/v1/inventory/stock/SHIRT-M/adjust", body, format="json")
        assert field in problem(response, 400)["errors"]
        assert stock_of("SHIRT-M") == (10, 0)
