"""In-memory fakes of inventory's ports, and the use cases composed on them as the app
composes them on Django's adapters (`compose_use_cases`)."""

import copy
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from contexts.inventory.application.ports import (
    MovementLog,
    ReservationAlreadyOpen,
    ReservationRepository,
    StockAlreadyOpen,
    StockRepository,
)
from contexts.inventory.application.services import (
    InventoryPorts,
    InventoryUseCases,
    compose_use_cases,
)
from contexts.inventory.domain.reservation import Reservation, ReservationId
from contexts.inventory.domain.stock import Stock, StockMovement, stock_id
from tests.support.fakes import FakeClock, FakeUnitOfWork, InMemoryRepository, InMemoryStore


class InMemoryStocks(InMemoryRepository[Stock], StockRepository):
    def find(self, sku: str) -> Stock | None:
        return self._load(str(stock_id(sku)))

    def lock(self, skus: Iterable[str]) -> dict[str, Stock]:
        found = {sku: self.find(sku) for sku in sorted(set(skus))}
        return {sku: stock for sku, stock in found.items() if stock is not None}

    def add(self, stock: Stock) -> None:
        if stock.aggregate_id in self.rows:
            raise StockAlreadyOpen(f"{stock.sku} has a stock row already.")
        self._insert(stock)

    def save(self, stock: Stock) -> None:
        self._update(stock)

    def levels(self, sku: str) -> tuple[int, int, int]:
        stock = self.rows[str(stock_id(sku))]
        assert isinstance(stock, Stock)
        return stock.on_hand, stock.reserved, stock.available


class InMemoryMovements(InMemoryStore, MovementLog):
    def add(self, movement: StockMovement) -> None:
        self.rows[str(movement.id)] = copy.deepcopy(movement)

    def all(self) -> list[StockMovement]:
        return [row for row in self.rows.values() if isinstance(row, StockMovement)]


class InMemoryReservations(InMemoryRepository[Reservation], ReservationRepository):
    def lock_for_order(self, order_id: uuid.UUID) -> Reservation | None:
        return next((r for r in self._all() if r.order_id == order_id), None)

    def lock(self, reservation_id: ReservationId) -> Reservation | None:
        return self._load(str(reservation_id))

    def due_for_expiry(self, *, now: datetime, limit: int) -> list[ReservationId]:
        due = sorted(
            (r for r in self._all() if r.is_due(now=now)),
            key=lambda r: r.expires_at or now,
        )
        return [r.id for r in due[:limit]]

    def add(self, reservation: Reservation) -> None:
        if self.lock_for_order(reservation.order_id) is not None:
            raise ReservationAlreadyOpen(f"Order {reservation.order_id} has a reservation.")
        self._insert(reservation)

    def save(self, reservation: Reservation) -> None:
        self._update(reservation)

    def of_order(self, order_id: uuid.UUID) -> Reservation:
        found = next(
            (r for r in self.rows.values() if getattr(r, "order_id", None) == order_id), None
        )
        assert isinstance(found, Reservation)
        return found


class InventoryFakes:
    """Every port faked; `use_cases()` composes them as the app does. `known_skus` is what
    catalog knows."""

    RESERVATION_TTL = timedelta(minutes=15)

    def __init__(self) -> None:
        self.stocks = InMemoryStocks()
        self.movements = InMemoryMovements()
        self.reservations = InMemoryReservations()
        self.uow = FakeUnitOfWork(stores=[self.stocks, self.movements, self.reservations])
        self.clock = FakeClock()
        self.known_skus: set[str] = set()

    def use_cases(self) -> InventoryUseCases:
        return compose_use_cases(
            InventoryPorts(
                uow=self.uow.factory,
                stocks=self.stocks,
                movements=self.movements,
                reservations=self.reservations,
                sku_is_known=self.known_skus.__contains__,
                clock=self.clock,
                reservation_ttl=lambda: self.RESERVATION_TTL,
            )
        )
