"""The order saga's steps (ARCHITECTURE.md §4): ordering's process manager.

One use case per event ordering reacts to. Each loads the order and checks where it stands
before acting: an event the order expects moves it (and the move publishes the next
event); any other is a duplicate or arrived late, and is compensated, never applied.
Running twice has one effect: the bus's inbox keeps a redelivered event from running again,
and a second event with the same meaning finds the order already moved.

The compensations, and why each is enough (ADR 0031):
- `StockReserved` for an order no longer pending (rejected meanwhile, say for an expired
  reservation): no payment is asked for; the reservation was released by inventory, or is
  released when it expires.
- `PaymentCaptured` for an order no longer pending: never confirmed. A rejected order has
  published `OrderRejected`, on which payments refunds a captured payment and voids a
  pending one (and refunds a charge that lands after it voided); so the money goes back
  without a new event, and the late capture is reported as such.
- `StockCommitFailed` for a shipped order: it stays shipped and is flagged for staff.
"""

import enum
import uuid
from dataclasses import dataclass
from typing import Protocol

from contexts.ordering.application.ports import OrderRepository
from contexts.ordering.application.use_cases import NewUnitOfWork
from contexts.ordering.domain.order import Actor, OrderId, OrderStatus, RejectionReason
from shared_kernel.application.clock import Clock

COMMIT_FAILED_AFTER_SHIPPING = (
    "Shipped, but inventory could not commit its stock (StockCommitFailed for reservation "
    "{reservation_id}): check the stock count and the payment."
)


class Outcome(enum.StrEnum):
    """What a step did with its event, for the subscriber's log and the tests."""

    APPLIED = "applied"
    IGNORED = "ignored"  # a duplicate, or news the order's state already holds
    COMPENSATED = "compensated"  # late: the order stays as it is, the effect is undone


@dataclass(frozen=True, kw_only=True, slots=True)
class OnStockReserved:
    """The stock is held: ask payments to charge (`PaymentRequested`); still pending."""

    uow: NewUnitOfWork
    orders: OrderRepository
    clock: Clock

    def __call__(self, *, order_id: uuid.UUID, reservation_id: uuid.UUID) -> Outcome:
        with self.uow():
            order = self.orders.get(OrderId(order_id))
            if order.reservation_id is not None:
                return Outcome.IGNORED
            if not order.is_pending:
                return Outcome.COMPENSATED
            order.request_payment(reservation_id=reservation_id, at=self.clock())
            self.orders.save(order)
        return Outcome.APPLIED


@dataclass(frozen=True, kw_only=True, slots=True)
class OnStockReservationFailed:
    """Not enough stock for every line: rejected, `out_of_stock`. Nothing is held."""

    uow: NewUnitOfWork
    orders: OrderRepository
    clock: Clock

    def __call__(self, *, order_id: uuid.UUID) -> Outcome:
        return _reject_if_pending(
            self, order_id, RejectionReason.OUT_OF_STOCK, cause="StockReservationFailed"
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class OnPaymentFailed:
    """The charge failed: rejected, `payment_unavailable` when the gateway stayed down,
    `payment_declined` otherwise. Inventory releases the stock on `OrderRejected`."""

    uow: NewUnitOfWork
    orders: OrderRepository
    clock: Clock

    def __call__(self, *, order_id: uuid.UUID, reason: str) -> Outcome:
        rejection = (
            RejectionReason.PAYMENT_UNAVAILABLE
            if reason == "gateway_unavailable"
            else RejectionReason.PAYMENT_DECLINED
        )
        return _reject_if_pending(self, order_id, rejection, cause="PaymentFailed")


@dataclass(frozen=True, kw_only=True, slots=True)
class OnPaymentCaptured:
    """Paid: confirmed (`OrderConfirmed`), so inventory commits the stock. A capture for an
    order no longer pending is late: the refund follows from its `OrderRejected`."""

    uow: NewUnitOfWork
    orders: OrderRepository
    clock: Clock

    def __call__(self, *, order_id: uuid.UUID) -> Outcome:
        with self.uow():
            order = self.orders.get(OrderId(order_id))
            if order.status is OrderStatus.REJECTED:
                return Outcome.COMPENSATED
            if not order.is_pending:
                return Outcome.IGNORED
            order.confirm(at=self.clock())
            self.orders.save(order)
        return Outcome.APPLIED


@dataclass(frozen=True, kw_only=True, slots=True)
class OnReservationExpired:
    """The stock was held too long and released: a pending order is rejected,
    `reservation_expired`; payments voids (or refunds) its payment on `OrderRejected`."""

    uow: NewUnitOfWork
    orders: OrderRepository
    clock: Clock

    def __call__(self, *, order_id: uuid.UUID) -> Outcome:
        return _reject_if_pending(
            self, order_id, RejectionReason.RESERVATION_EXPIRED, cause="ReservationExpired"
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class OnStockCommitFailed:
    """A confirmed order's stock was gone by the time inventory committed it: cancelled by
    the system (`OrderCancelled`: refunded). Already shipped: flagged for staff."""

    uow: NewUnitOfWork
    orders: OrderRepository
    clock: Clock

    def __call__(self, *, order_id: uuid.UUID, reservation_id: uuid.UUID) -> Outcome:
        with self.uow():
            order = self.orders.get(OrderId(order_id))
            if order.status is OrderStatus.CONFIRMED:
                order.cancel(by=Actor.SYSTEM, cause="StockCommitFailed", at=self.clock())
                outcome = Outcome.APPLIED
            elif order.status is OrderStatus.SHIPPED and not order.attention:
                order.flag_for_attention(
                    COMMIT_FAILED_AFTER_SHIPPING.format(reservation_id=reservation_id)
                )
                outcome = Outcome.COMPENSATED
            else:
                return Outcome.IGNORED
            self.orders.save(order)
        return outcome


class _Step(Protocol):
    @property
    def uow(self) -> NewUnitOfWork: ...
    @property
    def orders(self) -> OrderRepository: ...
    @property
    def clock(self) -> Clock: ...


def _reject_if_pending(
    step: _Step, order_id: uuid.UUID, reason: RejectionReason, *, cause: str
) -> Outcome:
    with step.uow():
        order = step.orders.get(OrderId(order_id))
        if not order.is_pending:
            return Outcome.IGNORED
        order.reject(reason, cause=cause, at=step.clock())
        step.orders.save(order)
    return Outcome.APPLIED
