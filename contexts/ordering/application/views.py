"""Orders as they are shown (API, admin): frozen DTOs, made from stored rows by the read
side's queries or from an `Order` just changed by a use case, so both render alike."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Self

from contexts.ordering.domain.order import Order
from shared_kernel.domain.money import Money


@dataclass(frozen=True, slots=True)
class LineView:
    sku: str
    name: str
    unit_price: Money
    quantity: int
    line_total: Money


@dataclass(frozen=True, slots=True)
class AddressView:
    name: str
    line1: str
    line2: str
    city: str
    postal_code: str
    country: str


@dataclass(frozen=True, slots=True)
class HistoryView:
    status: str
    at: datetime
    cause: str


@dataclass(frozen=True, slots=True)
class OrderView:
    id: uuid.UUID
    customer_id: uuid.UUID
    status: str
    rejection_reason: str | None
    lines: tuple[LineView, ...]
    total: Money
    shipping_address: AddressView
    tracking_number: str
    history: tuple[HistoryView, ...]
    created_at: datetime

    @classmethod
    def of(cls, order: Order) -> Self:
        address = order.shipping_address
        return cls(
            id=order.id,
            customer_id=order.customer_id,
            status=order.status.value,
            rejection_reason=order.rejection_reason.value if order.rejection_reason else None,
            lines=tuple(
                LineView(line.sku, line.name, line.unit_price, line.quantity, line.line_total)
                for line in order.lines
            ),
            total=order.total,
            shipping_address=AddressView(
                name=address.name,
                line1=address.line1,
                line2=address.line2,
                city=address.city,
                postal_code=address.postal_code,
                country=address.country,
            ),
            tracking_number=order.tracking_number,
            history=tuple(
                HistoryView(entry.status.value, entry.at, entry.cause) for entry in order.history
            ),
            created_at=order.created_at,
        )
