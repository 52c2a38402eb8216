"""`/api/v1/orders` over HTTP: place, read, list, cancel and ship, with every status code."""

import uuid
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from contexts.ordering.application.services import ordering_use_cases
from contexts.ordering.application.use_cases import Caller
from contexts.ordering.contracts import OrderPlaced
from contexts.ordering.models import Order
from shared_kernel.messaging.models import OutboxEvent
from tests.ordering.conftest import client_of
from tests.ordering.fakes import FakeCatalog
from tests.ordering.helpers import ORDERS, confirm, field_errors, order_body, problem

pytestmark = pytest.mark.django_db


def line(sku: str, quantity: int = 1) -> dict[str, Any]:
    return {"sku": sku, "quantity": quantity}


def address(**overrides: str) -> dict[str, str]:
    valid: dict[str, str] = order_body()["shipping_address"]
    return {**valid, **overrides}


def ship(client: APIClient, order_id: object, tracking: str | None = "1Z999") -> Any:
    body = {} if tracking is None else {"tracking_number": tracking}
    return client.post(f"{ORDERS}/{order_id}/ship", body, format="json")


def place(user: Any, **overrides: Any) -> dict[str, Any]:
    response = client_of(user).post(ORDERS, order_body(**overrides), format="json")
    assert response.status_code == 202, response.content
    body: dict[str, Any] = response.json()
    return body


class TestPlace:
    def test_202_with_the_pending_order_priced_by_catalog(self, ann: Any) -> None:
        body = place(ann)

        assert body.keys() == {
            "id",
            "status",
            "rejection_reason",
            "lines",
            "total",
            "shipping_address",
            "tracking_number",
            "history",
            "created_at",
        }
        assert (body["status"], body["rejection_reason"], body["tracking_number"]) == (
            "pending",
            None,
            "",
        )
        assert body["lines"] == [
            {
                "sku": "SHIRT-M",
                "name": "Linen shirt (size M)",
                "unit_price": {"amount": "19.90", "currency": "EUR"},
                "quantity": 2,
                "line_total": {"amount": "39.80", "currency": "EUR"},
            },
            {
                "sku": "MUG",
                "name": "Mug",
                "unit_price": {"amount": "8.50", "currency": "EUR"},
                "quantity": 1,
                "line_total": {"amount": "8.50", "currency": "EUR"},
            },
        ]
        assert body["total"] == {"amount": "48.30", "currency": "EUR"}
        assert body["shipping_address"] == {
            "name": "Ann Lee",
            "line1": "1 Rue de Rivoli",
            "line2": "",
            "city": "Paris",
            "postal_code": "75001",
            "country": "FR",
        }
        assert [(h["status"], h["cause"]) for h in body["history"]] == [("pending", "customer")]
        stored = Order.objects.get(pk=body["id"])
        assert (stored.customer_id, stored.total_amount) == (ann.pk, Decimal("48.30"))

    def test_the_order_is_announced_in_the_same_transaction(self, ann: Any) -> None:
        body = place(ann)

        (event,) = OutboxEvent.objects.filter(event_type=OrderPlaced.event_type)
        assert (event.aggregate_id, event.sequence) == (body["id"], 1)

    def test_priced_in_one_catalog_call(self, ann: Any, catalog: FakeCatalog) -> None:
        place(ann)
        assert catalog.calls == 1

    def test_anonymous_is_401(self) -> None:
        problem(APIClient().post(ORDERS, order_body(), format="json"), 401)

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"lines": []}, "lines"),
            ({"lines": [line(f"S{n}") for n in range(51)]}, "lines"),
            ({"lines": [line("MUG", 0)]}, "lines.0.quantity"),
            ({"lines": [line("MUG"), line("SHIRT-M", 101)]}, "lines.1.quantity"),
            ({"lines": [line("MUG"), line("NOPE")]}, "lines.1.sku"),
            ({"lines": [line("OLD")]}, "lines.0.sku"),
            ({"lines": [line("MUG"), line("MUG", 2)]}, "lines.1.sku"),
            ({"payment_method": ""}, "payment_method"),
            ({"payment_method": 4242}, "payment_method"),
            ({"shipping_address": {"name": "Ann"}}, "shipping_address.line1"),
            ({"payment_method": "   "}, "payment_method"),
            ({"payment_method": "x" * 256}, "payment_method"),
            ({"shipping_address": {"name": "Ann"}}, "shipping_address.city"),
            ({"shipping_address": address(name=" ")}, "shipping_address.name"),
            ({"shipping_address": address(line2="x" * 201)}, "shipping_address.line2"),
            ({"shipping_address": address(city="x" * 101)}, "shipping_address.city"),
            ({"shipping_address": address(postal_code="9" * 21)}, "shipping_address.postal_code"),
            ({"shipping_address": address(country="XX")}, "shipping_address.country"),
            ({"shipping_address": address(country="FRA")}, "shipping_address.country"),
            ({"shipping_address": "Paris"}, "shipping_address.non_field_errors"),
        ],
    )
    def test_invalid_orders_are_400_on_the_field(
        self, ann: Any, overrides: dict[str, Any], field: str
    ) -> None:
        response = client_of(ann).post(ORDERS, order_body(**overrides), format="json")

        assert field in field_errors(response)
        assert not Order.objects.exists()
        assert not OutboxEvent.objects.exists()

    def test_the_country_is_any_case_and_stored_upper_case(self, ann: Any) -> None:
        body = place(ann, shipping_address=address(country="fr", line2="Apt 4"))

        assert (body["shipping_address"]["country"], body["shipping_address"]["line2"]) == (
            "FR",
            "Apt 4",
        )
        assert Order.objects.get(pk=body["id"]).ship_to_country == "FR"

    def test_fifty_lines_of_a_hundred_are_accepted(self, ann: Any, catalog: FakeCatalog) -> None:
        for n in range(50):
            catalog.add(f"S{n}", "1.00")
        body = place(ann, lines=[{"sku": f"S{n}", "quantity": 100} for n in range(50)])
        assert body["total"] == {"amount": "5000.00", "currency": "EUR"}


class TestRead:
    def test_the_owner_and_staff_see_it_another_customer_gets_404(
        self, ann: Any, bob: Any, staff: Any
    ) -> None:
        order = place(ann)
        url = f"{ORDERS}/{order['id']}"

        assert client_of(ann).get(url).json() == order
        assert client_of(staff).get(url).json()["id"] == order["id"]
        problem(client_of(bob).get(url), 404)
        problem(client_of(ann).get(f"{ORDERS}/{uuid.uuid4()}"), 404)
        problem(APIClient().get(url), 401)

    @pytest.mark.parametrize("action", ["", "/cancel", "/ship"])
    def test_an_id_that_is_no_uuid_is_404_signed_in_and_401_with_a_bad_token(
        self, staff: Any, action: str
    ) -> None:
        url = f"{ORDERS}/not-a-uuid{action}"
        call = APIClient.get if action == "" else APIClient.post
        bad_token = APIClient()
        bad_token.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

        problem(call(client_of(staff), url), 404)
        problem(call(bad_token, url), 401)

    def test_history_from_pending_to_confirmed(self, ann: Any) -> None:
        order = place(ann)
        confirm(order["id"])

        body = client_of(ann).get(f"{ORDERS}/{order['id']}").json()

        assert body["status"] == "confirmed"
        assert [(h["status"], h["cause"]) for h in body["history"]] == [
            ("pending", "customer"),
            ("pending", "StockReserved"),
            ("confirmed", "PaymentCaptured"),
        ]


class TestList:
    def test_own_orders_newest_first_staff_all(self, ann: Any, bob: Any, staff: Any) -> None:
        first, second = place(ann), place(ann)
        theirs = place(bob)

        mine = client_of(ann).get(ORDERS).json()
        everyone = client_of(staff).get(ORDERS).json()

        assert [o["id"] for o in mine["results"]] == [second["id"], first["id"]]
        assert {o["id"] for o in everyone["results"]} == {first["id"], second["id"], theirs["id"]}

    def test_filtered_by_status(self, ann: Any, staff: Any) -> None:
        pending, confirmed = place(ann), place(ann)
        confirm(confirmed["id"])

        def listed(status: str) -> list[str]:
            results = client_of(ann).get(ORDERS, {"status": status}).json()["results"]
            return [order["id"] for order in results]

        assert listed("pending") == [pending["id"]]
        assert listed("confirmed") == [confirmed["id"]]
        assert listed("shipped") == []

    @pytest.mark.parametrize("status", ["lost", ""])
    def test_an_unknown_or_empty_status_is_400(self, ann: Any, status: str) -> None:
        assert "status" in field_errors(client_of(ann).get(ORDERS, {"status": status}))

    def test_a_bad_cursor_is_400(self, ann: Any) -> None:
        assert "cursor" in field_errors(client_of(ann).get(ORDERS, {"cursor": "not-a-cursor"}))

    def test_staff_filter_everyones_by_status(self, ann: Any, bob: Any, staff: Any) -> None:
        mine, theirs = place(ann), place(bob)
        confirm(theirs["id"])

        results = client_of(staff).get(ORDERS, {"status": "pending"}).json()["results"]

        assert [order["id"] for order in results] == [mine["id"]]

    def test_cursor_pages(self, ann: Any) -> None:
        placed = [place(ann)["id"] for _ in range(3)]
        client = client_of(ann)

        first = client.get(ORDERS, {"page_size": 2}).json()
        second = client.get(first["next"]).json()

        assert [o["id"] for o in first["results"]] == placed[:0:-1]
        assert [o["id"] for o in second["results"]] == placed[:1]
        assert first["previous"] is None
        assert second["next"] is None

    def test_a_page_costs_the_same_queries_whatever_its_size(
        self, ann: Any, django_assert_max_num_queries: Any
    ) -> None:
        for _ in range(5):
            place(ann)
        with django_assert_max_num_queries(4):  # the user is forced: orders, lines, history
            assert len(client_of(ann).get(ORDERS).json()["results"]) == 5


class TestCancel:
    def test_the_owner_cancels_a_confirmed_order(self, ann: Any) -> None:
        order = place(ann)
        confirm(order["id"])

        response = client_of(ann).post(f"{ORDERS}/{order['id']}/cancel")

        assert response.status_code == 200, response.content
        body = response.json()
        assert body["status"] == "cancelled"
        assert body["history"][-1]["cause"] == "customer"
        assert Order.objects.get(pk=order["id"]).status == "cancelled"

    def test_staff_cancel_anyones(self, ann: Any, staff: Any) -> None:
        order = place(ann)
        confirm(order["id"])

        body = client_of(staff).post(f"{ORDERS}/{order['id']}/cancel").json()

        assert (body["status"], body["history"][-1]["cause"]) == ("cancelled", "staff")

    def test_another_customers_order_is_404(self, ann: Any, bob: Any) -> None:
        order = place(ann)
        confirm(order["id"])

        problem(client_of(bob).post(f"{ORDERS}/{order['id']}/cancel"), 404)
        assert Order.objects.get(pk=order["id"]).status == "confirmed"

    def test_a_pending_order_is_409(self, ann: Any) -> None:
        order = place(ann)
        problem(client_of(ann).post(f"{ORDERS}/{order['id']}/cancel"), 409)

    def test_a_cancelled_order_is_409(self, ann: Any) -> None:
        order = place(ann)
        confirm(order["id"])
        client_of(ann).post(f"{ORDERS}/{order['id']}/cancel")

        problem(client_of(ann).post(f"{ORDERS}/{order['id']}/cancel"), 409)


def in_status(user: Any, status: str) -> str:
    """An order of `user` moved by the saga's steps and the use cases to `status`."""
    order_id = place(user)["id"]
    steps = ordering_use_cases()
    if status == "rejected":
        steps.on_stock_reservation_failed(order_id=uuid.UUID(order_id))
    elif status != "pending":
        confirm(order_id)
    staff = Caller(user_id=uuid.uuid4(), is_staff=True)
    if status == "cancelled":
        steps.cancel_order(order_id=uuid.UUID(order_id), caller=staff)
    elif status == "shipped":
        steps.ship_order(order_id=uuid.UUID(order_id), tracking_number="A", caller=staff)
    return order_id


@pytest.mark.parametrize("status", ["pending", "rejected", "cancelled", "shipped"])
def test_every_illegal_cancel_and_ship_is_409_and_changes_nothing(
    ann: Any, staff: Any, status: str
) -> None:
    order_id = in_status(ann, status)
    events = OutboxEvent.objects.count()

    problem(client_of(ann).post(f"{ORDERS}/{order_id}/cancel"), 409)
    problem(client_of(staff).post(f"{ORDERS}/{order_id}/cancel"), 409)
    problem(ship(client_of(staff), order_id), 409)

    assert Order.objects.get(pk=order_id).status == status
    assert OutboxEvent.objects.count() == events


class TestShip:
    def test_staff_ship_a_confirmed_order(self, ann: Any, staff: Any) -> None:
        order = place(ann)
        confirm(order["id"])

        response = ship(client_of(staff), order["id"])

        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["status"], body["tracking_number"]) == ("shipped", "1Z999")
        assert body["history"][-1] == {**body["history"][-1], "status": "shipped", "cause": "staff"}

    def test_a_customer_gets_403_whatever_the_id(self, ann: Any) -> None:
        order = place(ann)
        confirm(order["id"])

        for order_id in (order["id"], uuid.uuid4()):
            problem(ship(client_of(ann), order_id), 403)
        assert Order.objects.get(pk=order["id"]).status == "confirmed"

    def test_anonymous_is_401(self, ann: Any) -> None:
        order = place(ann)
        problem(ship(APIClient(), order["id"]), 401)

    def test_unknown_order_404_pending_or_shipped_409_missing_tracking_400(
        self, ann: Any, staff: Any
    ) -> None:
        staff_client = client_of(staff)
        pending = place(ann)
        shipped = place(ann)
        confirm(shipped["id"])
        staff_client.post(f"{ORDERS}/{shipped['id']}/ship", {"tracking_number": "A"}, format="json")

        ship = {"tracking_number": "B"}
        problem(staff_client.post(f"{ORDERS}/{uuid.uuid4()}/ship", ship, format="json"), 404)
        problem(staff_client.post(f"{ORDERS}/{pending['id']}/ship", ship, format="json"), 409)
        problem(staff_client.post(f"{ORDERS}/{shipped['id']}/ship", ship, format="json"), 409)
        errors = field_errors(
            staff_client.post(f"{ORDERS}/{pending['id']}/ship", {}, format="json")
        )
        assert "tracking_number" in errors

    def test_a_shipped_order_cannot_be_cancelled(self, ann: Any, staff: Any) -> None:
        order = place(ann)
        confirm(order["id"])
        client_of(staff).post(
            f"{ORDERS}/{order['id']}/ship", {"tracking_number": "A"}, format="json"
        )

        problem(client_of(ann).post(f"{ORDERS}/{order['id']}/cancel"), 409)
