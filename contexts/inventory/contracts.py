"""Inventory's public face: the events it publishes (ARCHITECTURE.md §3, §4). Version 1.

The only module of inventory another context may import; pure Python. Reservation events
carry the reservation's id as `aggregate_id`; `StockChanged` carries the stock row's
(the SKU's) and its version as `sequence`, so catalog's read model keeps the newest.
"""

import uuid
from dataclasses import dataclass

from shared_kernel.domain.events import IntegrationEvent


@dataclass(frozen=True, slots=True)
class ReservedLine:
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class ShortLine:
    """A line that could not be reserved: what was asked and what was available."""

    sku: str
    requested: int
    available: int


@dataclass(frozen=True, kw_only=True)
class StockReserved(IntegrationEvent):
    """Every line of an order is held for it. Version 1."""

    order_id: uuid.UUID
    reservation_id: uuid.UUID
    lines: tuple[ReservedLine, ...]


@dataclass(frozen=True, kw_only=True)
class StockReservationFailed(IntegrationEvent):
    """An order could not be reserved whole; nothing of it is held. Version 1."""

    order_id: uuid.UUID
    short_lines: tuple[ShortLine, ...]


@dataclass(frozen=True, kw_only=True)
class ReservationExpired(IntegrationEvent):
    """A reservation was held past `RESERVATION_TTL_SECONDS` and released. Version 1."""

    order_id: uuid.UUID
    reservation_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class StockCommitFailed(IntegrationEvent):
    """An order was confirmed after its reservation expired and the stock is gone. Version 1."""

    order_id: uuid.UUID
    reservation_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class StockChanged(IntegrationEvent):
    """A SKU's stock row changed (its opening at 0 included). Version 1."""

    sku: str
    on_hand: int
    reserved: int
    available: int
