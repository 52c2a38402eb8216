"""The process manager through the bus: each event ordering subscribes to, published to
the outbox and delivered (`deliver_pending`), moves the order and publishes what follows,
with the order's version as the sequence. Only ordering's subscribers are subscribed here:
the other contexts' would react to the orders too."""

import uuid
from typing import Any

import pytest

from contexts.inventory.contracts import (
    ReservationExpired,
    ReservedLine,
    ShortLine,
    StockCommitFailed,
    StockReservationFailed,
    StockReserved,
)
from contexts.ordering.models import Order
from contexts.ordering.subscribers import SUBSCRIBERS
from contexts.payments.contracts import PaymentCaptured, PaymentFailed
from shared_kernel.domain.events import IntegrationEvent
from shared_kernel.domain.money import Money
from shared_kernel.messaging import bus
from shared_kernel.messaging.models import Delivery, OutboxEvent
from shared_kernel.messaging.testing import deliver_pending
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork
from tests.ordering.conftest import client_of
from tests.ordering.helpers import ORDERS, order_body

pytestmark = pytest.mark.django_db
RESERVATION = uuid.uuid4()


@pytest.fixture(autouse=True)
def only_ordering_subscribed(monkeypatch: pytest.MonkeyPatch) -> None:
    ordering = {name: s for name, s in bus._subscriptions.items() if name.startswith("ordering.")}
    monkeypatch.setattr(bus, "_subscriptions", ordering)


@pytest.fixture
def order(ann: Any) -> dict[str, Any]:
    body: dict[str, Any] = client_of(ann).post(ORDERS, order_body(), format="json").json()
    return body


def published(event: IntegrationEvent) -> None:
    """Publish as another context would (its aggregate's id), then deliver everything due."""
    with DjangoUnitOfWork() as uow:
        uow.publish(event, aggregate_id=str(uuid.uuid4()), sequence=1)
    deliver_pending()


def reserved(order_id: str) -> StockReserved:
    return StockReserved(
        order_id=uuid.UUID(order_id),
        reservation_id=RESERVATION,
        lines=(ReservedLine("SHIRT-M", 2), ReservedLine("MUG", 1)),
    )


def captured(order: dict[str, Any], customer: Any) -> PaymentCaptured:
    return PaymentCaptured(
        payment_id=uuid.uuid4(),
        order_id=uuid.UUID(order["id"]),
        customer_id=customer.pk,
        amount=Money.of(order["total"]["amount"], "EUR"),
    )


def events_of(order_id: str) -> list[tuple[str, int]]:
    rows = OutboxEvent.objects.filter(aggregate_id=order_id).order_by("sequence")
    return list(rows.values_list("event_type", "sequence"))


def test_every_subscriber_runs_async_on_orderings_queue() -> None:
    for name in SUBSCRIBERS:
        subscription = bus.subscription_named(name)
        assert subscription is not None
        assert (subscription.mode, subscription.queue) == ("async", "ordering")


def test_reserved_then_captured_confirms(order: dict[str, Any], ann: Any) -> None:
    published(reserved(order["id"]))
    row = Order.objects.get(pk=order["id"])
    assert (row.status, row.reservation_id) == ("pending", RESERVATION)

    published(captured(order, ann))

    assert Order.objects.get(pk=order["id"]).status == "confirmed"
    assert events_of(order["id"]) == [
        ("OrderPlaced", 1),
        ("PaymentRequested", 2),
        ("OrderConfirmed", 3),
    ]


def test_the_same_news_twice_has_one_effect(order: dict[str, Any], ann: Any) -> None:
    published(reserved(order["id"]))
    published(reserved(order["id"]))
    published(captured(order, ann))
    published(captured(order, ann))

    assert events_of(order["id"]) == [
        ("OrderPlaced", 1),
        ("PaymentRequested", 2),
        ("OrderConfirmed", 3),
    ]
    assert not Delivery.objects.exclude(status=Delivery.Status.DONE).exists()


def test_reservation_failed_rejects_out_of_stock(order: dict[str, Any]) -> None:
    published(
        StockReservationFailed(
            order_id=uuid.UUID(order["id"]), short_lines=(ShortLine("MUG", 1, 0),)
        )
    )

    row = Order.objects.get(pk=order["id"])
    assert (row.status, row.rejection_reason) == ("rejected", "out_of_stock")
    assert events_of(order["id"]) == [("OrderPlaced", 1), ("OrderRejected", 2)]


@pytest.mark.parametrize(
    ("reason", "rejection"),
    [("declined", "payment_declined"), ("gateway_unavailable", "payment_unavailable")],
)
def test_payment_failed_rejects(
    order: dict[str, Any], ann: Any, reason: str, rejection: str
) -> None:
    published(reserved(order["id"]))

    published(
        PaymentFailed(
            payment_id=uuid.uuid4(),
            order_id=uuid.UUID(order["id"]),
            customer_id=ann.pk,
            reason=reason,  # type: ignore[arg-type]
        )
    )

    row = Order.objects.get(pk=order["id"])
    assert (row.status, row.rejection_reason) == ("rejected", rejection)
    assert events_of(order["id"])[-1] == ("OrderRejected", 3)


def test_a_capture_after_expiry_is_not_applied(order: dict[str, Any], ann: Any) -> None:
    published(reserved(order["id"]))
    published(ReservationExpired(order_id=uuid.UUID(order["id"]), reservation_id=RESERVATION))

    published(captured(order, ann))

    row = Order.objects.get(pk=order["id"])
    assert (row.status, row.rejection_reason) == ("rejected", "reservation_expired")
    assert events_of(order["id"]) == [
        ("OrderPlaced", 1),
        ("PaymentRequested", 2),
        ("OrderRejected", 3),
    ]


def test_commit_failed_cancels_by_system(order: dict[str, Any], ann: Any) -> None:
    published(reserved(order["id"]))
    published(captured(order, ann))

    published(StockCommitFailed(order_id=uuid.UUID(order["id"]), reservation_id=RESERVATION))

    assert Order.objects.get(pk=order["id"]).status == "cancelled"
    cancelled = OutboxEvent.objects.get(aggregate_id=order["id"], event_type="OrderCancelled")
    assert cancelled.sequence == 4
    assert cancelled.payload["cancelled_by"] == "system"


def test_commit_failed_after_shipping_flags_the_order(
    order: dict[str, Any], ann: Any, staff: Any
) -> None:
    published(reserved(order["id"]))
    published(captured(order, ann))
    client_of(staff).post(f"{ORDERS}/{order['id']}/ship", {"tracking_number": "T"}, format="json")

    published(StockCommitFailed(order_id=uuid.UUID(order["id"]), reservation_id=RESERVATION))

    row = Order.objects.get(pk=order["id"])
    assert row.status == "shipped"
    assert "StockCommitFailed" in row.attention
    assert events_of(order["id"])[-1] == ("OrderShipped", 4)
