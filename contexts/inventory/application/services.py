"""Inventory's use cases, wired once: the ports they take, the set they form, and where
the API, admin, subscribers and tasks fetch them.

`compose_use_cases(ports)` is the one composition function: `bootstrap.py` passes Django's
adapters, `tests/inventory/fakes.py` in-memory fakes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from contexts.inventory.application.ports import (
    MovementLog,
    ReservationRepository,
    StockRepository,
)
from contexts.inventory.application.use_cases import (
    AdjustStock,
    CommitReservation,
    ExpireReservations,
    NewUnitOfWork,
    OpenStock,
    ReadStock,
    ReleaseReservation,
    ReserveStock,
    Restock,
    ReturnStock,
    SkuIsKnown,
)
from shared_kernel.application.clock import Clock
from shared_kernel.application.provider import Provider
from shared_kernel.application.wiring import compose


@dataclass(frozen=True, kw_only=True, slots=True)
class InventoryPorts:
    uow: NewUnitOfWork
    stocks: StockRepository
    movements: MovementLog
    reservations: ReservationRepository
    sku_is_known: SkuIsKnown
    clock: Clock
    reservation_ttl: Callable[[], timedelta]


@dataclass(frozen=True, slots=True)
class InventoryUseCases:
    read_stock: ReadStock
    open_stock: OpenStock
    restock: Restock
    adjust_stock: AdjustStock
    reserve_stock: ReserveStock
    commit_reservation: CommitReservation
    release_reservation: ReleaseReservation
    return_stock: ReturnStock
    expire_reservations: ExpireReservations


def compose_use_cases(ports: InventoryPorts) -> InventoryUseCases:
    return compose(InventoryUseCases, ports)


inventory_use_cases = Provider[InventoryUseCases]("Inventory's use cases")
