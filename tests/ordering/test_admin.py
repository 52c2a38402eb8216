"""The orders back-office: listed by status and date, searched by id and customer email,
lines and history inline; cancel and ship go through the use cases."""

import uuid
from typing import Any

import pytest
from django.test import Client

from contexts.ordering.application.services import ordering_use_cases
from contexts.ordering.application.use_cases import Caller
from contexts.ordering.models import Order
from shared_kernel.messaging.models import OutboxEvent
from tests.ordering.conftest import client_of
from tests.ordering.helpers import ORDERS, confirm, order_body
from tests.support.factories import StaffFactory

LIST = "/admin/ordering/order/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def back_office(db: None) -> Client:
    client = Client()
    client.force_login(StaffFactory.create(email="boss@example.com", is_superuser=True))
    return client


def place(user: Any) -> str:
    order_id: str = client_of(user).post(ORDERS, order_body(), format="json").json()["id"]
    return order_id


def listed(response: Any) -> set[str]:
    assert response.status_code == 200
    return {str(order.pk) for order in response.context["cl"].result_list}


def test_lists_filters_and_searches_by_id_and_customer_email(
    back_office: Client, ann: Any, bob: Any
) -> None:
    pending, confirmed, theirs = place(ann), place(ann), place(bob)
    confirm(confirmed)

    assert listed(back_office.get(LIST)) == {pending, confirmed, theirs}
    assert listed(back_office.get(LIST, {"status__exact": "confirmed"})) == {confirmed}
    assert listed(back_office.get(LIST, {"q": pending})) == {pending}
    assert listed(back_office.get(LIST, {"q": " Ann@Example.com "})) == {pending, confirmed}
    assert listed(back_office.get(LIST, {"q": "nobody@example.com"})) == set()


def test_orders_are_listed_by_date(back_office: Client, ann: Any) -> None:
    order_id = place(ann)
    today = Order.objects.get(pk=order_id).created_at

    on_the_day = {"created_at__year": today.year, "created_at__month": today.month}
    assert listed(back_office.get(LIST, on_the_day)) == {order_id}
    assert listed(back_office.get(LIST, {"created_at__year": today.year - 1})) == set()


def test_a_shipped_order_whose_stock_failed_is_found_as_needing_attention(
    back_office: Client, ann: Any, staff: Any
) -> None:
    flagged, fine = place(ann), place(ann)
    for order_id in (flagged, fine):
        confirm(order_id)
    steps = ordering_use_cases()
    steps.ship_order(order_id=uuid.UUID(flagged), tracking_number="1Z", caller=staff_of(staff))
    steps.on_stock_commit_failed(order_id=uuid.UUID(flagged), reservation_id=uuid.uuid4())

    assert listed(back_office.get(LIST, {"attention": "yes"})) == {flagged}
    assert listed(back_office.get(LIST, {"attention": "no"})) == {fine}
    page = back_office.get(f"{LIST}{flagged}/change/").content.decode()
    assert "inventory could not commit its stock" in page


def staff_of(user: Any) -> Caller:
    return Caller(user_id=user.pk, is_staff=True)


def test_the_order_page_shows_lines_history_and_customer(back_office: Client, ann: Any) -> None:
    order_id = place(ann)
    confirm(order_id)

    page = back_office.get(f"{LIST}{order_id}/change/").content.decode()

    for shown in ("SHIRT-M", "Linen shirt (size M)", "PaymentCaptured", "StockReserved"):
        assert shown in page
    assert "ann@example.com" in page
    assert "48.30 EUR" in page


def test_cancel_action_goes_through_the_use_case(back_office: Client, ann: Any) -> None:
    confirmed, pending = place(ann), place(ann)
    confirm(confirmed)

    response = back_office.post(
        LIST, {"action": "cancel_orders", "_selected_action": [confirmed, pending]}, follow=True
    )

    assert Order.objects.get(pk=confirmed).status == "cancelled"
    assert Order.objects.get(pk=pending).status == "pending"
    messages = [str(m) for m in response.context["messages"]]
    assert any("only when it is confirmed" in m for m in messages)
    cancelled = OutboxEvent.objects.get(aggregate_id=confirmed, event_type="OrderCancelled")
    assert cancelled.payload["cancelled_by"] == "staff"


def test_typing_a_tracking_number_ships_a_confirmed_order(back_office: Client, ann: Any) -> None:
    order_id = place(ann)
    confirm(order_id)

    response = shipped_on_its_page(back_office, order_id)

    assert response.status_code == 302
    row = Order.objects.get(pk=order_id)
    assert (row.status, row.tracking_number) == ("shipped", "1Z9")
    assert OutboxEvent.objects.filter(aggregate_id=order_id, event_type="OrderShipped").exists()


def test_shipping_a_pending_order_is_refused_on_the_form(back_office: Client, ann: Any) -> None:
    order_id = place(ann)

    response = shipped_on_its_page(back_office, order_id)

    assert response.status_code == 200
    assert "only when it is confirmed" in response.content.decode()
    row = Order.objects.get(pk=order_id)
    assert (row.status, row.tracking_number) == ("pending", "")


def test_no_adding_or_deleting(back_office: Client, ann: Any) -> None:
    order_id = place(ann)
    assert back_office.get(f"{LIST}add/").status_code == 403
    assert back_office.get(f"{LIST}{order_id}/delete/").status_code == 403


def shipped_on_its_page(back_office: Client, order_id: str) -> Any:
    """The change form submitted with a tracking number, as a browser sends it: with the
    management forms of the two read-only inlines."""
    inlines = {
        f"{prefix}-{field}": value
        for prefix in ("lines", "history")
        for field, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "0"),
        )
    }
    return back_office.post(f"{LIST}{order_id}/change/", {**inlines, "tracking_number": "1Z9"})
