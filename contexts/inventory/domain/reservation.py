"""A reservation: the stock held for one order, reserved whole or not at all.

It follows the order through the saga (ARCHITECTURE.md §4) by the order's events, whatever
order they arrive in: it keeps the sequence of the last order event it applied and ignores
an older one. The transitions, and what each does to the SKUs' stock:

    OrderPlaced     → held (every line held)  | refused (nothing held; the short lines told)
    OrderConfirmed  → committed (held units leave the shelf); without a hold (expired,
                      released) the units are taken again if available, else
                      `StockCommitFailed`
    OrderRejected   → released (held units back to available)
    OrderCancelled  → returned (committed units back on the shelf), or released if held
    expiry (beat)   → expired (held past its time: units back, `ReservationExpired`)

An order event newer than `OrderPlaced` may come first (delivery is not ordered): the
reservation is then opened without lines, released, at that event's sequence, so the older
`OrderPlaced` arriving later holds nothing.

One reservation changes several `Stock` aggregates in its transaction, deliberately: an
order's lines are held all or none (ADR 0026 says how their rows are locked).
"""

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Self

from contexts.inventory.contracts import (
    ReservationExpired,
    ReservedLine,
    ShortLine,
    StockCommitFailed,
    StockReservationFailed,
    StockReserved,
)
from contexts.inventory.domain.errors import InvalidQuantity
from contexts.inventory.domain.stock import Stock
from shared_kernel.domain.aggregate import AggregateRoot
from shared_kernel.domain.ids import EntityId


class ReservationId(EntityId):
    pass


class ReservationStatus(StrEnum):
    HELD = "held"
    REFUSED = "refused"
    COMMITTED = "committed"
    RELEASED = "released"
    EXPIRED = "expired"
    RETURNED = "returned"


Stocks = Mapping[str, Stock]
"""The stock rows of a reservation's SKUs, by code, locked by the caller; a SKU with no row
has nothing available."""


@dataclass(frozen=True, slots=True)
class ReservationLine:
    sku: str
    quantity: int


def merged_lines(lines: Iterable[tuple[str, int]]) -> tuple[ReservationLine, ...]:
    """One line per SKU (an order naming a SKU twice holds the sum), sorted by code."""
    totals: dict[str, int] = {}
    for sku, quantity in lines:
        if quantity < 1:
            raise InvalidQuantity(f"{sku}: an order line holds at least one unit.")
        totals[sku] = totals.get(sku, 0) + quantity
    return tuple(ReservationLine(sku, totals[sku]) for sku in sorted(totals))


class Reservation(AggregateRoot):
    def __init__(
        self,
        *,
        id: ReservationId,
        order_id: uuid.UUID,
        lines: tuple[ReservationLine, ...],
        status: ReservationStatus,
        expires_at: datetime | None,
        order_sequence: int,
        version: int = 0,
    ) -> None:
        super().__init__(version=version)
        self.id = id
        self.order_id = order_id
        self.lines = lines
        self._status = status
        self.expires_at = expires_at
        self._order_sequence = order_sequence

    @classmethod
    def place(
        cls,
        *,
        order_id: uuid.UUID,
        lines: tuple[ReservationLine, ...],
        stocks: Stocks,
        order_sequence: int,
        expires_at: datetime,
    ) -> Self:
        """Hold every line, or none when one is short (`StockReservationFailed` names them)."""
        reservation = cls(
            id=ReservationId.new(),
            order_id=order_id,
            lines=lines,
            status=ReservationStatus.REFUSED,
            expires_at=expires_at,
            order_sequence=order_sequence,
        )
        short = _short_lines(lines, stocks)
        if short:
            reservation.record(StockReservationFailed(order_id=order_id, short_lines=short))
            return reservation
        for line in lines:
            stocks[line.sku].hold(line.quantity)
        reservation._status = ReservationStatus.HELD
        reservation.record(
            StockReserved(
                order_id=order_id,
                reservation_id=reservation.id,
                lines=tuple(ReservedLine(line.sku, line.quantity) for line in lines),
            )
        )
        return reservation

    @classmethod
    def released_before_placed(cls, *, order_id: uuid.UUID, order_sequence: int) -> Self:
        """A later order event came before `OrderPlaced`: nothing is held, and the older
        `OrderPlaced` will be ignored when it comes."""
        return cls(
            id=ReservationId.new(),
            order_id=order_id,
            lines=(),
            status=ReservationStatus.RELEASED,
            expires_at=None,
            order_sequence=order_sequence,
        )

    @property
    def status(self) -> ReservationStatus:
        return self._status

    @property
    def order_sequence(self) -> int:
        """The sequence of the last order event applied."""
        return self._order_sequence

    @property
    def skus(self) -> list[str]:
        return [line.sku for line in self.lines]

    def is_older(self, order_sequence: int) -> bool:
        """Whether an order event at `order_sequence` is no newer than one already applied.
        Sequence 0 means the publisher keeps none (the bus's convention): it always applies."""
        return order_sequence != 0 and order_sequence <= self._order_sequence

    def is_due(self, *, now: datetime) -> bool:
        return (
            self._status is ReservationStatus.HELD
            and self.expires_at is not None
            and self.expires_at <= now
        )

    def confirm(self, stocks: Stocks, *, order_sequence: int) -> None:
        """The order is paid: held units leave the shelf. Without a hold, they are taken
        again if every line is available; otherwise `StockCommitFailed`."""
        self._order_sequence = order_sequence
        if self._status is ReservationStatus.HELD:
            self._each_line(stocks, Stock.commit)
            self._status = ReservationStatus.COMMITTED
        elif self._status in (ReservationStatus.COMMITTED, ReservationStatus.RETURNED):
            return
        elif self.lines and not _short_lines(self.lines, stocks):
            self._each_line(stocks, Stock.take)
            self._status = ReservationStatus.COMMITTED
        else:
            self.record(StockCommitFailed(order_id=self.order_id, reservation_id=self.id))

    def release(self, stocks: Stocks, *, order_sequence: int) -> None:
        """The order was rejected: what is held goes back to available."""
        self._order_sequence = order_sequence
        if self._status is ReservationStatus.HELD:
            self._each_line(stocks, Stock.release)
            self._status = ReservationStatus.RELEASED

    def cancel(self, stocks: Stocks, *, order_sequence: int) -> None:
        """The confirmed order was cancelled: committed units return to the shelf."""
        self._order_sequence = order_sequence
        if self._status is ReservationStatus.COMMITTED:
            self._each_line(stocks, Stock.put_back)
            self._status = ReservationStatus.RETURNED
        elif self._status is ReservationStatus.HELD:
            self._each_line(stocks, Stock.release)
            self._status = ReservationStatus.RELEASED

    def expire(self, stocks: Stocks, *, now: datetime) -> None:
        """Held past its time: the units go back to available (`ReservationExpired`)."""
        if not self.is_due(now=now):
            return
        self._each_line(stocks, Stock.release)
        self._status = ReservationStatus.EXPIRED
        self.record(ReservationExpired(order_id=self.order_id, reservation_id=self.id))

    def _each_line(self, stocks: Stocks, change: Callable[[Stock, int], None]) -> None:
        for line in self.lines:
            change(stocks[line.sku], line.quantity)


def _short_lines(lines: tuple[ReservationLine, ...], stocks: Stocks) -> tuple[ShortLine, ...]:
    short = []
    for line in lines:
        stock = stocks.get(line.sku)
        available = stock.available if stock is not None else 0
        if line.quantity > available:
            short.append(ShortLine(sku=line.sku, requested=line.quantity, available=available))
    return tuple(short)
