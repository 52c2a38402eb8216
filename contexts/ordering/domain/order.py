"""The order: what a customer bought, at which prices, and where it stands in the saga.

Statuses and the moves between them (ARCHITECTURE.md §4):

    pending ──► confirmed ──► shipped
       │            └───────► cancelled
       └──────► rejected (out_of_stock | payment_declined | payment_unavailable |
                          reservation_expired)

Each move checks where the order stands first (an illegal one is an `IllegalOrderTransition`,
409 over HTTP), is appended to the history with its time and cause (the event that moved
the order, or the actor), and records the integration event it raises; the unit of work
publishes it with the order's version as its sequence.
"""

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Self

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
from contexts.ordering.domain.address import ShippingAddress
from contexts.ordering.domain.errors import (
    IllegalOrderTransition,
    InvalidOrderInput,
    PaymentAlreadyRequested,
)
from shared_kernel.domain.aggregate import AggregateRoot
from shared_kernel.domain.ids import EntityId
from shared_kernel.domain.money import Money

MAX_LINES = 50
MIN_QUANTITY, MAX_QUANTITY = 1, 100
TRACKING_NUMBER_MAX_LENGTH = 100
PAYMENT_METHOD_MAX_LENGTH = 255


class OrderId(EntityId):
    """An order's id."""


class OrderStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    SHIPPED = "shipped"


class RejectionReason(enum.StrEnum):
    OUT_OF_STOCK = "out_of_stock"
    PAYMENT_DECLINED = "payment_declined"
    PAYMENT_UNAVAILABLE = "payment_unavailable"
    RESERVATION_EXPIRED = "reservation_expired"


class Actor(enum.StrEnum):
    """Who moved an order when no event did; `cancelled_by` in `OrderCancelled`."""

    CUSTOMER = "customer"
    STAFF = "staff"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One SKU of an order, its name and unit price as catalog gave them when it was placed."""

    sku: str
    name: str
    unit_price: Money
    quantity: int

    @property
    def line_total(self) -> Money:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """The order reached `status` at `at`; `cause` is the event type or the actor."""

    status: OrderStatus
    at: datetime
    cause: str


class Order(AggregateRoot):
    """A customer's order, a versioned aggregate. Its rules:

    - it has 1 to 50 lines, one per SKU, each of 1 to 100 units, all in one currency;
    - it is placed pending; only a pending order is confirmed or rejected, and asks for its
      payment once (when its stock is reserved);
    - only a confirmed order is cancelled (by its customer, staff, or the system) or shipped;
    - lines, prices and address never change once placed.
    """

    def __init__(
        self,
        *,
        id: OrderId,
        customer_id: uuid.UUID,
        lines: Sequence[OrderLine],
        shipping_address: ShippingAddress,
        payment_method: str,
        status: OrderStatus,
        history: Sequence[HistoryEntry],
        rejection_reason: RejectionReason | None = None,
        tracking_number: str = "",
        reservation_id: uuid.UUID | None = None,
        attention: str = "",
        version: int = 0,
    ) -> None:
        super().__init__(version=version)
        self.id = id
        self.customer_id = customer_id
        self.lines = tuple(lines)
        self.shipping_address = shipping_address
        self.payment_method = payment_method
        self._status = status
        self._history = list(history)
        self._rejection_reason = rejection_reason
        self._tracking_number = tracking_number
        self._reservation_id = reservation_id
        self._attention = attention

    @classmethod
    def place(
        cls,
        *,
        id: OrderId,
        customer_id: uuid.UUID,
        lines: Sequence[OrderLine],
        shipping_address: ShippingAddress,
        payment_method: str,
        at: datetime,
    ) -> Self:
        """A new pending order; it announces itself (`OrderPlaced`) for inventory to reserve."""
        _check_lines(lines)
        order = cls(
            id=id,
            customer_id=customer_id,
            lines=lines,
            shipping_address=shipping_address,
            payment_method=_checked_payment_method(payment_method),
            status=OrderStatus.PENDING,
            history=[HistoryEntry(OrderStatus.PENDING, at, Actor.CUSTOMER.value)],
        )
        order.record(
            OrderPlaced(
                order_id=id,
                customer_id=customer_id,
                lines=tuple(PlacedLine(line.sku, line.quantity, line.unit_price) for line in lines),
                total=order.total,
            )
        )
        return order

    @property
    def status(self) -> OrderStatus:
        return self._status

    @property
    def rejection_reason(self) -> RejectionReason | None:
        return self._rejection_reason

    @property
    def tracking_number(self) -> str:
        return self._tracking_number

    @property
    def reservation_id(self) -> uuid.UUID | None:
        """The stock reservation inventory holds for this order, once it said so."""
        return self._reservation_id

    @property
    def attention(self) -> str:
        """Why staff must look at this order ("" when nothing needs them)."""
        return self._attention

    @property
    def history(self) -> tuple[HistoryEntry, ...]:
        return tuple(self._history)

    @property
    def created_at(self) -> datetime:
        return self._history[0].at

    @property
    def total(self) -> Money:
        first, *rest = (line.line_total for line in self.lines)
        return sum(rest, start=first)

    @property
    def is_pending(self) -> bool:
        return self._status is OrderStatus.PENDING

    def request_payment(self, *, reservation_id: uuid.UUID, at: datetime) -> None:
        """The stock is reserved (`StockReserved`): ask for the charge (`PaymentRequested`).
        The order stays pending; a second reservation for it is refused."""
        self._require(OrderStatus.PENDING, action="sent for payment")
        if self._reservation_id is not None:
            raise PaymentAlreadyRequested()
        self._reservation_id = reservation_id
        self._move(OrderStatus.PENDING, at=at, cause="StockReserved")
        self.record(
            PaymentRequested(
                order_id=self.id,
                customer_id=self.customer_id,
                amount=self.total,
                payment_method=self.payment_method,
            )
        )

    def confirm(self, *, at: datetime) -> None:
        """The payment was captured (`PaymentCaptured`)."""
        self._require(OrderStatus.PENDING, action="confirmed")
        self._move(OrderStatus.CONFIRMED, at=at, cause="PaymentCaptured")
        self.record(
            OrderConfirmed(order_id=self.id, customer_id=self.customer_id, total=self.total)
        )

    def reject(self, reason: RejectionReason, *, cause: str, at: datetime) -> None:
        """Stock or payment said no, or the reservation ran out, while the order was pending."""
        self._require(OrderStatus.PENDING, action="rejected")
        self._rejection_reason = reason
        self._move(OrderStatus.REJECTED, at=at, cause=cause)
        self.record(
            OrderRejected(
                order_id=self.id,
                customer_id=self.customer_id,
                reason=reason.value,
            )
        )

    def cancel(self, *, by: Actor, at: datetime, cause: str | None = None) -> None:
        """Cancel a confirmed order: its payment is refunded and its stock returned
        (`OrderCancelled` carries the lines). `cause` defaults to the actor."""
        self._require(OrderStatus.CONFIRMED, action="cancelled")
        self._move(OrderStatus.CANCELLED, at=at, cause=cause or by.value)
        self.record(
            OrderCancelled(
                order_id=self.id,
                customer_id=self.customer_id,
                cancelled_by=by.value,
                lines=tuple(CancelledLine(line.sku, line.quantity) for line in self.lines),
            )
        )

    def ship(self, *, tracking_number: str, at: datetime) -> None:
        """Staff sent a confirmed order on its way."""
        tracking = " ".join(tracking_number.split())
        if not tracking or len(tracking) > TRACKING_NUMBER_MAX_LENGTH:
            raise InvalidOrderInput(
                "tracking_number",
                f"Give a tracking number of 1 to {TRACKING_NUMBER_MAX_LENGTH} characters.",
            )
        self._require(OrderStatus.CONFIRMED, action="shipped")
        self._tracking_number = tracking
        self._move(OrderStatus.SHIPPED, at=at, cause=Actor.STAFF.value)
        self.record(
            OrderShipped(order_id=self.id, customer_id=self.customer_id, tracking_number=tracking)
        )

    def flag_for_attention(self, note: str) -> None:
        """Something staff must sort out by hand (a shipped order whose stock could not be
        committed); the order's status does not change."""
        self._attention = note

    def _require(self, status: OrderStatus, *, action: str) -> None:
        if self._status is not status:
            raise IllegalOrderTransition(
                action=action, status=self._status.value, allowed_from=status.value
            )

    def _move(self, status: OrderStatus, *, at: datetime, cause: str) -> None:
        self._status = status
        self._history.append(HistoryEntry(status, at, cause))


def _check_lines(lines: Sequence[OrderLine]) -> None:
    if not lines:
        raise InvalidOrderInput("lines", "An order needs at least one line.")
    if len(lines) > MAX_LINES:
        raise InvalidOrderInput("lines", f"An order has at most {MAX_LINES} lines.")
    seen: set[str] = set()
    currency = lines[0].unit_price.currency
    for index, line in enumerate(lines):
        if not MIN_QUANTITY <= line.quantity <= MAX_QUANTITY:
            raise InvalidOrderInput(
                f"lines.{index}.quantity",
                f"Ensure this value is between {MIN_QUANTITY} and {MAX_QUANTITY}.",
            )
        if line.sku in seen:
            raise InvalidOrderInput(f"lines.{index}.sku", "Each SKU may appear on one line only.")
        if line.unit_price.currency != currency:
            raise InvalidOrderInput(f"lines.{index}.sku", "Every line must be in one currency.")
        seen.add(line.sku)


def _checked_payment_method(payment_method: str) -> str:
    method = payment_method.strip()
    if not method or len(method) > PAYMENT_METHOD_MAX_LENGTH:
        raise InvalidOrderInput(
            "payment_method",
            f"Give a payment method of 1 to {PAYMENT_METHOD_MAX_LENGTH} characters.",
        )
    return method
