"""Ordering's domain rules: plain pytest, no database, no Django."""

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest

from contexts.ordering.contracts import (
    CancelledLine,
    OrderCancelled,
    OrderConfirmed,
    OrderPlaced,
    OrderRejected,
    OrderShipped,
    PaymentRequested,
    PlacedLine,
)
from contexts.ordering.domain.errors import (
    IllegalOrderTransition,
    InvalidOrderInput,
    PaymentAlreadyRequested,
)
from contexts.ordering.domain.order import (
    Actor,
    Order,
    OrderStatus,
    RejectionReason,
)
from shared_kernel.domain.errors import Conflict
from tests.ordering.builders import NOW, a_line, an_address, an_order, eur

LATER = NOW + timedelta(minutes=5)


def saved(order: Order) -> list[object]:
    """Save the order as a repository would and hand back the events it raised."""
    order.mark_saved()
    return [recorded.event for recorded in order.collect_events()]


def in_status(status: OrderStatus) -> Order:
    order = an_order()
    if status is OrderStatus.PENDING:
        saved(order)
        return order
    if status is OrderStatus.REJECTED:
        order.reject(RejectionReason.OUT_OF_STOCK, cause="StockReservationFailed", at=LATER)
    else:
        order.request_payment(reservation_id=uuid.uuid4(), at=LATER)
        order.confirm(at=LATER)
        if status is OrderStatus.CANCELLED:
            order.cancel(by=Actor.CUSTOMER, at=LATER)
        elif status is OrderStatus.SHIPPED:
            order.ship(tracking_number="TRACK-1", at=LATER)
    saved(order)
    return order


class TestPlacing:
    def test_a_new_order_is_pending_priced_and_announced(self) -> None:
        customer = uuid.uuid4()
        order = an_order(
            a_line("SHIRT-M", price="19.90", quantity=2),
            a_line("MUG", price="8.50", quantity=1),
            customer_id=customer,
        )

        assert order.status is OrderStatus.PENDING
        assert order.total == eur("48.30")
        assert [line.line_total for line in order.lines] == [eur("39.80"), eur("8.50")]
        assert [(e.status, e.cause) for e in order.history] == [(OrderStatus.PENDING, "customer")]
        assert order.created_at == NOW
        assert saved(order) == [
            OrderPlaced(
                order_id=order.id,
                customer_id=customer,
                lines=(
                    PlacedLine("SHIRT-M", 2, eur("19.90")),
                    PlacedLine("MUG", 1, eur("8.50")),
                ),
                total=eur("48.30"),
            )
        ]
        assert order.version == 1

    @pytest.mark.parametrize(
        ("lines", "field"),
        [
            ((), "lines"),
            (tuple(a_line(f"SKU-{n}", quantity=1) for n in range(51)), "lines"),
            ((a_line(quantity=0),), "lines.0.quantity"),
            ((a_line("A"), a_line("B", quantity=101)), "lines.1.quantity"),
            ((a_line("A"), a_line("A")), "lines.1.sku"),
        ],
    )
    def test_lines_are_checked(self, lines: tuple[object, ...], field: str) -> None:
        with pytest.raises(InvalidOrderInput) as refused:
            Order.place(
                id=an_order().id,
                customer_id=uuid.uuid4(),
                lines=lines,  # type: ignore[arg-type]
                shipping_address=an_address(),
                payment_method="pm_card_visa",
                at=NOW,
            )
        assert refused.value.field == field

    def test_fifty_lines_of_a_hundred_are_fine(self) -> None:
        order = an_order(*(a_line(f"SKU-{n}", price="1.00", quantity=100) for n in range(50)))
        assert order.total == eur("5000.00")

    @pytest.mark.parametrize("method", ["", "   ", "x" * 256])
    def test_a_payment_method_is_required(self, method: str) -> None:
        with pytest.raises(InvalidOrderInput) as refused:
            an_order(payment_method=method)
        assert refused.value.field == "payment_method"


class TestShippingAddress:
    def test_trims_and_upper_cases_the_country(self) -> None:
        address = an_address(name="  Ann   Lee ", country="fr")
        assert (address.name, address.country, address.line2) == ("Ann Lee", "FR", "")

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"name": " "}, "shipping_address.name"),
            ({"line1": ""}, "shipping_address.line1"),
            ({"city": ""}, "shipping_address.city"),
            ({"postal_code": "9" * 21}, "shipping_address.postal_code"),
            ({"country": "XX"}, "shipping_address.country"),
            ({"country": "FRA"}, "shipping_address.country"),
            ({"line2": "x" * 201}, "shipping_address.line2"),
        ],
    )
    def test_refuses(self, overrides: dict[str, str], field: str) -> None:
        with pytest.raises(InvalidOrderInput) as refused:
            an_address(**overrides)
        assert refused.value.field == field


class TestTheSaga:
    def test_reserved_stock_asks_for_payment_and_the_order_stays_pending(self) -> None:
        order = in_status(OrderStatus.PENDING)
        reservation = uuid.uuid4()

        order.request_payment(reservation_id=reservation, at=LATER)

        assert order.status is OrderStatus.PENDING
        assert order.reservation_id == reservation
        assert order.history[-1].cause == "StockReserved"
        assert saved(order) == [
            PaymentRequested(
                order_id=order.id,
                customer_id=order.customer_id,
                amount=order.total,
                payment_method="pm_card_visa",
            )
        ]

    def test_payment_is_asked_for_once(self) -> None:
        order = in_status(OrderStatus.PENDING)
        order.request_payment(reservation_id=uuid.uuid4(), at=LATER)

        with pytest.raises(PaymentAlreadyRequested):
            order.request_payment(reservation_id=uuid.uuid4(), at=LATER)

    def test_a_captured_payment_confirms(self) -> None:
        order = in_status(OrderStatus.PENDING)
        order.request_payment(reservation_id=uuid.uuid4(), at=LATER)
        saved(order)

        order.confirm(at=LATER)

        assert order.status is OrderStatus.CONFIRMED
        assert order.history[-1].cause == "PaymentCaptured"
        assert saved(order) == [
            OrderConfirmed(order_id=order.id, customer_id=order.customer_id, total=order.total)
        ]

    @pytest.mark.parametrize("reason", list(RejectionReason))
    def test_a_pending_order_is_rejected_with_its_reason(self, reason: RejectionReason) -> None:
        order = in_status(OrderStatus.PENDING)

        order.reject(reason, cause="SomeEvent", at=LATER)

        assert (order.status, order.rejection_reason) == (OrderStatus.REJECTED, reason)
        assert (order.history[-1].status, order.history[-1].cause) == (
            OrderStatus.REJECTED,
            "SomeEvent",
        )
        assert saved(order) == [
            OrderRejected(order_id=order.id, customer_id=order.customer_id, reason=reason.value)
        ]

    def test_each_event_takes_the_next_version_as_its_sequence(self) -> None:
        order = an_order()
        order.request_payment(reservation_id=uuid.uuid4(), at=LATER)
        order.confirm(at=LATER)
        order.mark_saved()

        assert [r.sequence for r in order.collect_events()] == [1, 2, 3]
        assert order.version == 3


class TestCancelAndShip:
    @pytest.mark.parametrize("actor", list(Actor))
    def test_a_confirmed_order_is_cancelled_with_its_lines(self, actor: Actor) -> None:
        order = in_status(OrderStatus.CONFIRMED)

        order.cancel(by=actor, at=LATER)

        assert order.status is OrderStatus.CANCELLED
        assert order.history[-1].cause == actor.value
        assert saved(order) == [
            OrderCancelled(
                order_id=order.id,
                customer_id=order.customer_id,
                cancelled_by=actor.value,
                lines=(CancelledLine("SHIRT-M", 2), CancelledLine("MUG", 1)),
            )
        ]

    def test_the_cause_of_a_cancellation_may_be_an_event(self) -> None:
        order = in_status(OrderStatus.CONFIRMED)

        order.cancel(by=Actor.SYSTEM, cause="StockCommitFailed", at=LATER)

        assert order.history[-1].cause == "StockCommitFailed"
        (event,) = saved(order)
        assert isinstance(event, OrderCancelled)
        assert event.cancelled_by == "system"

    def test_a_confirmed_order_is_shipped(self) -> None:
        order = in_status(OrderStatus.CONFIRMED)

        order.ship(tracking_number="  1Z 999 ", at=LATER)

        assert (order.status, order.tracking_number) == (OrderStatus.SHIPPED, "1Z 999")
        assert order.history[-1].cause == "staff"
        assert saved(order) == [
            OrderShipped(order_id=order.id, customer_id=order.customer_id, tracking_number="1Z 999")
        ]

    @pytest.mark.parametrize("tracking", ["", "  ", "x" * 101])
    def test_a_tracking_number_is_required(self, tracking: str) -> None:
        order = in_status(OrderStatus.CONFIRMED)
        with pytest.raises(InvalidOrderInput) as refused:
            order.ship(tracking_number=tracking, at=LATER)
        assert refused.value.field == "tracking_number"

    def test_the_history_runs_from_pending_to_the_current_status(self) -> None:
        order = in_status(OrderStatus.SHIPPED)
        assert [entry.status for entry in order.history] == [
            OrderStatus.PENDING,
            OrderStatus.PENDING,
            OrderStatus.CONFIRMED,
            OrderStatus.SHIPPED,
        ]
        assert [entry.cause for entry in order.history] == [
            "customer",
            "StockReserved",
            "PaymentCaptured",
            "staff",
        ]

    def test_flagging_for_staff_leaves_the_status(self) -> None:
        order = in_status(OrderStatus.SHIPPED)
        order.flag_for_attention("Stock could not be committed.")
        assert (order.status, order.attention) == (
            OrderStatus.SHIPPED,
            "Stock could not be committed.",
        )


MOVES: dict[str, Callable[[Order], None]] = {
    "request_payment": lambda o: o.request_payment(reservation_id=uuid.uuid4(), at=LATER),
    "confirm": lambda o: o.confirm(at=LATER),
    "reject": lambda o: o.reject(RejectionReason.PAYMENT_DECLINED, cause="PaymentFailed", at=LATER),
    "cancel": lambda o: o.cancel(by=Actor.CUSTOMER, at=LATER),
    "ship": lambda o: o.ship(tracking_number="T-1", at=LATER),
}
LEGAL_FROM = {
    "request_payment": {OrderStatus.PENDING},
    "confirm": {OrderStatus.PENDING},
    "reject": {OrderStatus.PENDING},
    "cancel": {OrderStatus.CONFIRMED},
    "ship": {OrderStatus.CONFIRMED},
}
ILLEGAL = [
    (move, status)
    for move, legal in LEGAL_FROM.items()
    for status in OrderStatus
    if status not in legal
]


@pytest.mark.parametrize(("move", "status"), ILLEGAL)
def test_every_illegal_move_is_a_conflict_and_changes_nothing(
    move: str, status: OrderStatus
) -> None:
    order = in_status(status)
    history, version = order.history, order.version

    with pytest.raises(IllegalOrderTransition) as refused:
        MOVES[move](order)

    assert isinstance(refused.value, Conflict)
    assert (order.status, order.history, order.version) == (status, history, version)
    assert saved(order) == []
