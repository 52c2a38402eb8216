"""What inventory's use cases need from the outside world, stated as abstract ports.

Each has Django's adapter (`infrastructure/`) and the tests' in-memory fake
(`tests/inventory/fakes.py`). The clock and the settings read at call time are plain
callables; whether catalog knows a SKU is one too (`sku_is_known`), answered by catalog's
facade in the app.
"""

import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable
from datetime import datetime

from contexts.inventory.domain.reservation import Reservation, ReservationId
from contexts.inventory.domain.stock import Stock, StockMovement
from shared_kernel.domain.errors import Conflict


class StockAlreadyOpen(Conflict):
    """A stock row for this SKU was opened meanwhile (by a concurrent transaction)."""

    title = "Stock already open"
    code = "stock_already_open"


class ReservationAlreadyOpen(Conflict):
    """Another event of the same order opened its reservation meanwhile; the bus retries."""

    title = "Reservation already open"
    code = "reservation_already_open"


class StockRepository(ABC):
    """Stock rows, one per SKU, versioned. Writes go through `lock`: the rows are held
    until the unit of work ends, taken in order of their codes, so two transactions
    wanting the same rows queue instead of overselling or deadlocking (ADR 0026)."""

    @abstractmethod
    def find(self, sku: str) -> Stock | None:
        """A SKU's stock as it is now, unlocked (reads)."""

    @abstractmethod
    def lock(self, skus: Iterable[str]) -> dict[str, Stock]:
        """The rows of these SKUs that exist, by code, locked in code order."""

    @abstractmethod
    def add(self, stock: Stock) -> None:
        """Store a newly opened row; StockAlreadyOpen if the SKU has one already."""

    @abstractmethod
    def save(self, stock: Stock) -> None:
        """Store the changes; StaleAggregate if the row changed since it was loaded."""


class MovementLog(ABC):
    """Every restock and adjustment, kept as it was made (append only)."""

    @abstractmethod
    def add(self, movement: StockMovement) -> None: ...


class ReservationRepository(ABC):
    """Reservations, one per order, versioned; loaded locked (`SELECT … FOR UPDATE`), so
    two events of one order are applied one after the other."""

    @abstractmethod
    def lock_for_order(self, order_id: uuid.UUID) -> Reservation | None: ...

    @abstractmethod
    def lock(self, reservation_id: ReservationId) -> Reservation | None: ...

    @abstractmethod
    def due_for_expiry(self, *, now: datetime, limit: int) -> list[ReservationId]:
        """Held reservations whose time is up at `now`, the oldest first."""

    @abstractmethod
    def add(self, reservation: Reservation) -> None:
        """Store a new reservation; ReservationAlreadyOpen if its order has one already."""

    @abstractmethod
    def save(self, reservation: Reservation) -> None: ...
