"""The process manager's steps on in-memory fakes: each event, duplicates, events out of
order and late ones (compensated, never applied)."""

import uuid

import pytest

from contexts.ordering.application.saga import Outcome
from contexts.ordering.application.services import OrderingUseCases
from contexts.ordering.application.use_cases import RequestedLine
from contexts.ordering.contracts import (
    OrderCancelled,
    OrderConfirmed,
    OrderRejected,
    PaymentRequested,
)
from contexts.ordering.domain.order import Order, OrderStatus, RejectionReason
from shared_kernel.domain.events import IntegrationEvent
from tests.ordering.fakes import OrderingFakes
from tests.ordering.test_use_cases import ADDRESS, ANN, STAFF

RESERVATION = uuid.uuid4()


@pytest.fixture
def fakes() -> OrderingFakes:
    return OrderingFakes()


@pytest.fixture
def use_cases(fakes: OrderingFakes) -> OrderingUseCases:
    return fakes.use_cases()


@pytest.fixture
def order(use_cases: OrderingUseCases) -> Order:
    return use_cases.place_order(
        customer_id=ANN.user_id,
        lines=[RequestedLine("MUG", 3)],
        payment_method="pm_card_visa",
        shipping_address=ADDRESS,
    )


def published_since(fakes: OrderingFakes, count: int) -> list[IntegrationEvent]:
    return fakes.uow.events[count:]


def reserved(use_cases: OrderingUseCases, order: Order) -> None:
    use_cases.on_stock_reserved(order_id=order.id, reservation_id=RESERVATION)


class TestEachEvent:
    def test_stock_reserved_asks_for_payment_once(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases, order: Order
    ) -> None:
        before = len(fakes.uow.events)

        assert use_cases.on_stock_reserved(order_id=order.id, reservation_id=RESERVATION) == (
            Outcome.APPLIED
        )
        assert use_cases.on_stock_reserved(order_id=order.id, reservation_id=RESERVATION) == (
            Outcome.IGNORED
        )

        stored = fakes.orders.get(order.id)
        assert (stored.status, stored.reservation_id) == (OrderStatus.PENDING, RESERVATION)
        (event,) = published_since(fakes, before)
        assert event == PaymentRequested(
            order_id=order.id,
            customer_id=ANN.user_id,
            amount=order.total,
            payment_method="pm_card_visa",
        )
        assert fakes.uow.published[-1].sequence == 2

    def test_stock_reservation_failed_rejects_out_of_stock(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases, order: Order
    ) -> None:
        assert use_cases.on_stock_reservation_failed(order_id=order.id) == Outcome.APPLIED
        assert use_cases.on_stock_reservation_failed(order_id=order.id) == Outcome.IGNORED

        stored = fakes.orders.get(order.id)
        assert stored.rejection_reason is RejectionReason.OUT_OF_STOCK
        assert stored.history[-1].cause == "StockReservationFailed"
        rejections = [e for e in fakes.uow.events if isinstance(e, OrderRejected)]
        assert [e.reason for e in rejections] == ["out_of_stock"]
        assert not any(isinstance(e, PaymentRequested) for e in fakes.uow.events)

    @pytest.mark.parametrize(
        ("reason", "rejection"),
        [
            ("declined", RejectionReason.PAYMENT_DECLINED),
            ("authentication_required", RejectionReason.PAYMENT_DECLINED),
            ("gateway_unavailable", RejectionReason.PAYMENT_UNAVAILABLE),
        ],
    )
    def test_payment_failed_rejects(
        self,
        fakes: OrderingFakes,
        use_cases: OrderingUseCases,
        order: Order,
        reason: str,
        rejection: RejectionReason,
    ) -> None:
        reserved(use_cases, order)

        assert use_cases.on_payment_failed(order_id=order.id, reason=reason) == Outcome.APPLIED

        stored = fakes.orders.get(order.id)
        assert (stored.status, stored.rejection_reason) == (OrderStatus.REJECTED, rejection)
        assert fakes.uow.events[-1] == OrderRejected(
            order_id=order.id, customer_id=ANN.user_id, reason=rejection.value
        )

    def test_payment_captured_confirms_once(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases, order: Order
    ) -> None:
        reserved(use_cases, order)
        before = len(fakes.uow.events)

        assert use_cases.on_payment_captured(order_id=order.id) == Outcome.APPLIED
        assert use_cases.on_payment_captured(order_id=order.id) == Outcome.IGNORED

        assert fakes.orders.get(order.id).status is OrderStatus.CONFIRMED
        assert published_since(fakes, before) == [
            OrderConfirmed(order_id=order.id, customer_id=ANN.user_id, total=order.total)
        ]

    def test_reservation_expired_rejects_a_pending_order(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases, order: Order
    ) -> None:
        reserved(use_cases, order)

        outcome = use_cases.on_reservation_expired(order_id=order.id)

        assert outcome == Outcome.APPLIED
        stored = fakes.orders.get(order.id)
        assert stored.rejection_reason is RejectionReason.RESERVATION_EXPIRED
        assert stored.history[-1].cause == "ReservationExpired"

    def test_reservation_expired_leaves_a_confirmed_order(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases, order: Order
    ) -> None:
        reserved(use_cases, order)
        use_cases.on_payment_captured(order_id=order.id)
        before = len(fakes.uow.events)

        outcome = use_cases.on_reservation_expired(order_id=order.id)

        assert outcome == Outcome.IGNORED
        assert fakes.orders.get(order.id).status is OrderStatus.CONFIRMED
        assert published_since(fakes, before) == []

    def test_stock_commit_failed_cancels_a_confirmed_order_by_system(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases, order: Order
    ) -> None:
        reserved(use_cases, order)
        use_cases.on_payment_captured(order_id=order.id)

        outcome = use_cases.on_stock_commit_failed(order_id=order.id, reservation_id=RESERVATION)
        again = use_cases.on_stock_commit_failed(order_id=order.id, reservation_id=RESERVATION)

        assert (outcome, again) == (Outcome.APPLIED, Outcome.IGNORED)
        stored = fakes.orders.get(order.id)
        assert stored.status is OrderStatus.CANCELLED
        assert stored.history[-1].cause == "StockCommitFailed"
        cancellations = [e for e in fakes.uow.events if isinstance(e, OrderCancelled)]
        assert [e.cancelled_by for e in cancellations] == ["system"]

    def test_stock_commit_failed_flags_a_shipped_order_for_staff(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases, order: Order
    ) -> None:
        reserved(use_cases, order)
        use_cases.on_payment_captured(order_id=order.id)
        use_cases.ship_order(order_id=order.id, tracking_number="T-1", caller=STAFF)
        before = len(fakes.uow.events)

        outcome = use_cases.on_stock_commit_failed(order_id=order.id, reservation_id=RESERVATION)
        again = use_cases.on_stock_commit_failed(order_id=order.id, reservation_id=RESERVATION)

        assert (outcome, again) == (Outcome.COMPENSATED, Outcome.IGNORED)
        stored = fakes.orders.get(order.id)
        assert stored.status is OrderStatus.SHIPPED
        assert str(RESERVATION) in stored.attention
        assert published_since(fakes, before) == []


class TestLateAndOutOfOrder:
    def test_a_capture_after_the_reservation_expired_is_not_applied(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases, order: Order
    ) -> None:
        """Payments refunds it on the `OrderRejected` already published (ADR 0031)."""
        reserved(use_cases, order)
        use_cases.on_reservation_expired(order_id=order.id)
        before = len(fakes.uow.events)

        assert use_cases.on_payment_captured(order_id=order.id) == Outcome.COMPENSATED

        stored = fakes.orders.get(order.id)
        assert (stored.status, stored.rejection_reason) == (
            OrderStatus.REJECTED,
            RejectionReason.RESERVATION_EXPIRED,
        )
        assert published_since(fakes, before) == []
        assert [e.reason for e in fakes.uow.events if isinstance(e, OrderRejected)] == [
            "reservation_expired"
        ]

    def test_stock_reserved_after_the_reservation_expired_asks_no_payment(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases, order: Order
    ) -> None:
        use_cases.on_reservation_expired(order_id=order.id)

        assert use_cases.on_stock_reserved(order_id=order.id, reservation_id=RESERVATION) == (
            Outcome.COMPENSATED
        )
        assert not any(isinstance(e, PaymentRequested) for e in fakes.uow.events)
        assert fakes.orders.get(order.id).status is OrderStatus.REJECTED

    def test_a_failure_after_a_capture_changes_nothing(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases, order: Order
    ) -> None:
        reserved(use_cases, order)
        use_cases.on_payment_captured(order_id=order.id)
        before = len(fakes.uow.events)

        assert use_cases.on_payment_failed(order_id=order.id, reason="declined") == (
            Outcome.IGNORED
        )
        assert use_cases.on_stock_reservation_failed(order_id=order.id) == Outcome.IGNORED
        assert fakes.orders.get(order.id).status is OrderStatus.CONFIRMED
        assert published_since(fakes, before) == []

    def test_a_capture_for_a_cancelled_order_changes_nothing(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases, order: Order
    ) -> None:
        reserved(use_cases, order)
        use_cases.on_payment_captured(order_id=order.id)
        use_cases.cancel_order(order_id=order.id, caller=ANN)
        before = len(fakes.uow.events)

        assert use_cases.on_payment_captured(order_id=order.id) == Outcome.IGNORED
        assert use_cases.on_stock_commit_failed(order_id=order.id, reservation_id=RESERVATION) == (
            Outcome.IGNORED
        )
        assert fakes.orders.get(order.id).status is OrderStatus.CANCELLED
        assert published_since(fakes, before) == []
