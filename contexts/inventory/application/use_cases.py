"""Inventory's use cases: each a frozen dataclass of the ports it needs, called with the
command's fields. Load (locked), call the domain, save; the unit of work publishes what
the aggregates raised (ARCHITECTURE.md §2). `services.compose_use_cases` builds them all.

A reservation and the stock rows of its SKUs change together in one unit of work, on
purpose: an order is held whole or not at all. The reservation is locked first, then the
stock rows in order of their codes (ADR 0026).
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from contexts.inventory.application.ports import (
    MovementLog,
    ReservationRepository,
    StockAlreadyOpen,
    StockRepository,
)
from contexts.inventory.domain.errors import ReservationNotYetKnown, UnknownSku
from contexts.inventory.domain.reservation import Reservation, Stocks, merged_lines
from contexts.inventory.domain.stock import Stock, is_well_formed, sku_code
from shared_kernel.application.clock import Clock
from shared_kernel.application.unit_of_work import UnitOfWork

NewUnitOfWork = Callable[[], UnitOfWork]
SkuIsKnown = Callable[[str], bool]
EXPIRY_BATCH = 500


@dataclass(frozen=True, slots=True, kw_only=True)
class StockLevel:
    """A SKU's stock as the API shows it."""

    sku: str
    on_hand: int
    reserved: int
    available: int

    @classmethod
    def of(cls, stock: Stock) -> "StockLevel":
        return cls(
            sku=stock.sku, on_hand=stock.on_hand, reserved=stock.reserved, available=stock.available
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class ReadStock:
    """A SKU's stock; one catalog knows but inventory has not heard of reads as zeros."""

    stocks: StockRepository
    sku_is_known: SkuIsKnown

    def __call__(self, *, sku: str) -> StockLevel:
        code = _staff_code(sku)
        stock = self.stocks.find(code)
        if stock is not None:
            return StockLevel.of(stock)
        if not self.sku_is_known(code):
            raise UnknownSku(code)
        return StockLevel(sku=code, on_hand=0, reserved=0, available=0)


@dataclass(frozen=True, kw_only=True, slots=True)
class OpenStock:
    """Catalog created a SKU (`SkuCreated`): its row opens at 0, unless it has one."""

    uow: NewUnitOfWork
    stocks: StockRepository

    def __call__(self, *, sku: str) -> None:
        code = sku_code(sku)
        with self.uow():
            if not self.stocks.lock([code]):
                _open(self.stocks, code)


@dataclass(frozen=True, kw_only=True, slots=True)
class Restock:
    """Staff add units that arrived; kept as a movement."""

    uow: NewUnitOfWork
    stocks: StockRepository
    movements: MovementLog
    sku_is_known: SkuIsKnown
    clock: Clock

    def __call__(self, *, sku: str, quantity: int, by: uuid.UUID | None) -> StockLevel:
        with self.uow():
            stock = _locked_or_opened(self.stocks, _staff_code(sku), self.sku_is_known)
            self.movements.add(stock.restock(quantity, by=by, at=self.clock()))
            self.stocks.save(stock)
        return StockLevel.of(stock)


@dataclass(frozen=True, kw_only=True, slots=True)
class AdjustStock:
    """Staff correct the count (signed), saying why; never below what is reserved."""

    uow: NewUnitOfWork
    stocks: StockRepository
    movements: MovementLog
    sku_is_known: SkuIsKnown
    clock: Clock

    def __call__(self, *, sku: str, quantity: int, reason: str, by: uuid.UUID | None) -> StockLevel:
        with self.uow():
            stock = _locked_or_opened(self.stocks, _staff_code(sku), self.sku_is_known)
            self.movements.add(stock.adjust(quantity, reason=reason, by=by, at=self.clock()))
            self.stocks.save(stock)
        return StockLevel.of(stock)


@dataclass(frozen=True, kw_only=True, slots=True)
class ReserveStock:
    """`OrderPlaced`: hold every line or none (`StockReserved` | `StockReservationFailed`)."""

    uow: NewUnitOfWork
    stocks: StockRepository
    reservations: ReservationRepository
    clock: Clock
    reservation_ttl: Callable[[], timedelta]

    def __call__(
        self, *, order_id: uuid.UUID, lines: Iterable[tuple[str, int]], order_sequence: int
    ) -> None:
        merged = merged_lines((sku_code(sku), quantity) for sku, quantity in lines)
        with self.uow():
            if self.reservations.lock_for_order(order_id) is not None:
                return  # placed already, or a later event of the order came first
            stocks = self.stocks.lock(line.sku for line in merged)
            reservation = Reservation.place(
                order_id=order_id,
                lines=merged,
                stocks=stocks,
                order_sequence=order_sequence,
                expires_at=self.clock() + self.reservation_ttl(),
            )
            self.reservations.add(reservation)
            _save_changed(self.stocks, stocks)


@dataclass(frozen=True, kw_only=True, slots=True)
class CommitReservation:
    """`OrderConfirmed`: the held units leave the shelf (or are taken again after expiry)."""

    uow: NewUnitOfWork
    stocks: StockRepository
    reservations: ReservationRepository

    def __call__(self, *, order_id: uuid.UUID, order_sequence: int) -> None:
        with self.uow():
            reservation = self.reservations.lock_for_order(order_id)
            if reservation is None:
                raise ReservationNotYetKnown(f"Order {order_id} was confirmed before placed.")
            if not reservation.is_older(order_sequence):
                stocks = self.stocks.lock(reservation.skus)
                reservation.confirm(stocks, order_sequence=order_sequence)
                _save(self.stocks, self.reservations, reservation, stocks)


@dataclass(frozen=True, kw_only=True, slots=True)
class ReleaseReservation:
    """`OrderRejected`: what is held for the order goes back to available."""

    uow: NewUnitOfWork
    stocks: StockRepository
    reservations: ReservationRepository

    def __call__(self, *, order_id: uuid.UUID, order_sequence: int) -> None:
        _follow_order(
            self.uow, self.stocks, self.reservations, order_id, order_sequence, Reservation.release
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class ReturnStock:
    """`OrderCancelled`: the confirmed order's units return to the shelf."""

    uow: NewUnitOfWork
    stocks: StockRepository
    reservations: ReservationRepository

    def __call__(self, *, order_id: uuid.UUID, order_sequence: int) -> None:
        _follow_order(
            self.uow, self.stocks, self.reservations, order_id, order_sequence, Reservation.cancel
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class ExpireReservations:
    """Beat: release every reservation held past its time (`ReservationExpired` each), one
    unit of work per reservation. The number expired."""

    uow: NewUnitOfWork
    stocks: StockRepository
    reservations: ReservationRepository
    clock: Clock

    def __call__(self) -> int:
        now = self.clock()
        expired = 0
        for reservation_id in self.reservations.due_for_expiry(now=now, limit=EXPIRY_BATCH):
            with self.uow():
                reservation = self.reservations.lock(reservation_id)
                if reservation is None or not reservation.is_due(now=now):
                    continue  # confirmed or rejected meanwhile
                stocks = self.stocks.lock(reservation.skus)
                reservation.expire(stocks, now=now)
                _save(self.stocks, self.reservations, reservation, stocks)
                expired += 1
        return expired


def _follow_order(
    uow: NewUnitOfWork,
    stocks: StockRepository,
    reservations: ReservationRepository,
    order_id: uuid.UUID,
    order_sequence: int,
    change: Callable[..., None],
) -> None:
    """Apply a later order event; one that comes before `OrderPlaced` leaves a released
    reservation behind, so the older `OrderPlaced` holds nothing when it comes."""
    with uow():
        reservation = reservations.lock_for_order(order_id)
        if reservation is None:
            reservations.add(
                Reservation.released_before_placed(order_id=order_id, order_sequence=order_sequence)
            )
        elif not reservation.is_older(order_sequence):
            locked = stocks.lock(reservation.skus)
            change(reservation, locked, order_sequence=order_sequence)
            _save(stocks, reservations, reservation, locked)


def _staff_code(sku: str) -> str:
    """The code staff typed, as catalog stores it. One catalog could never have given is
    unknown, refused before any lookup (PostgreSQL refuses a query with a NUL byte)."""
    code = sku_code(sku)
    if not is_well_formed(code):
        raise UnknownSku(code)
    return code


def _locked_or_opened(stocks: StockRepository, code: str, sku_is_known: SkuIsKnown) -> Stock:
    """The SKU's row, locked; a SKU catalog knows gets a row at 0; UnknownSku otherwise."""
    found = stocks.lock([code]).get(code)
    if found is not None:
        return found
    if not sku_is_known(code):
        raise UnknownSku(code)
    return _open(stocks, code)


def _open(stocks: StockRepository, code: str) -> Stock:
    """Open the row at 0; if a concurrent transaction just did, lock and use that one."""
    opened = Stock.open(code)
    try:
        stocks.add(opened)
    except StockAlreadyOpen:
        return stocks.lock([code])[code]
    return opened


def _save(
    stocks: StockRepository,
    reservations: ReservationRepository,
    reservation: Reservation,
    locked: Stocks,
) -> None:
    reservations.save(reservation)
    _save_changed(stocks, locked)


def _save_changed(stocks: StockRepository, locked: Stocks) -> None:
    for stock in locked.values():
        if stock.has_changes:
            stocks.save(stock)
