"""Ordering's public face: the order saga's events and a small query facade.

The only module of ordering another context may import; pure Python. Every event's
`aggregate_id` is the order's id and its `sequence` the order's version after the change,
so a consumer can ignore an event older than one it applied (ARCHITECTURE.md §3, §4).
Version 1.
"""

import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Literal

from shared_kernel.application.provider import Provider
from shared_kernel.domain.events import IntegrationEvent
from shared_kernel.domain.money import Money

RejectionReason = Literal[
    "out_of_stock", "payment_declined", "payment_unavailable", "reservation_expired"
]
CancelledBy = Literal["customer", "staff", "system"]


@dataclass(frozen=True, slots=True)
class PlacedLine:
    sku: str
    quantity: int
    unit_price: Money


@dataclass(frozen=True, slots=True)
class CancelledLine:
    sku: str
    quantity: int


@dataclass(frozen=True, kw_only=True)
class OrderPlaced(IntegrationEvent):
    """A customer placed an order; it is pending until stock and payment answer."""

    order_id: uuid.UUID
    customer_id: uuid.UUID
    lines: tuple[PlacedLine, ...]
    total: Money


@dataclass(frozen=True, kw_only=True)
class PaymentRequested(IntegrationEvent):
    """The order's stock is reserved: charge it. `payment_method` is the gateway's token."""

    order_id: uuid.UUID
    customer_id: uuid.UUID
    amount: Money
    payment_method: str


@dataclass(frozen=True, kw_only=True)
class OrderConfirmed(IntegrationEvent):
    order_id: uuid.UUID
    customer_id: uuid.UUID
    total: Money


@dataclass(frozen=True, kw_only=True)
class OrderRejected(IntegrationEvent):
    order_id: uuid.UUID
    customer_id: uuid.UUID
    reason: RejectionReason


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(IntegrationEvent):
    """A confirmed order was cancelled; `lines` is the stock to return."""

    order_id: uuid.UUID
    customer_id: uuid.UUID
    cancelled_by: CancelledBy
    lines: tuple[CancelledLine, ...]


@dataclass(frozen=True, kw_only=True)
class OrderShipped(IntegrationEvent):
    order_id: uuid.UUID
    customer_id: uuid.UUID
    tracking_number: str


class OrderingFacade(ABC):
    """Questions other contexts may ask ordering."""

    @abstractmethod
    def customer_of(self, order_id: uuid.UUID) -> uuid.UUID | None:
        """The id of the customer who placed an order, or None for an unknown order."""


ordering_facade = Provider[OrderingFacade]("The ordering facade")
"""Provided by ordering's composition root when Django starts; another context's tests may
`ordering_facade.provide(fake)`."""
