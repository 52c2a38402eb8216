"""Ordering's use cases, wired once: the ports they take, the set they form, and where the
doors (API, admin, subscribers) fetch them.

`compose_use_cases(ports)` is the one composition function: `bootstrap.py` passes Django's
adapters, `tests/ordering/fakes.py` in-memory fakes.
"""

from dataclasses import dataclass

from contexts.ordering.application.ports import Catalog, OrderQueries, OrderRepository
from contexts.ordering.application.saga import (
    OnPaymentCaptured,
    OnPaymentFailed,
    OnReservationExpired,
    OnStockCommitFailed,
    OnStockReservationFailed,
    OnStockReserved,
)
from contexts.ordering.application.use_cases import (
    CancelOrder,
    ListOrders,
    NewUnitOfWork,
    PlaceOrder,
    ShipOrder,
    ViewOrder,
)
from shared_kernel.application.clock import Clock
from shared_kernel.application.provider import Provider
from shared_kernel.application.wiring import compose


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderingPorts:
    uow: NewUnitOfWork
    orders: OrderRepository
    queries: OrderQueries
    catalog: Catalog
    clock: Clock


@dataclass(frozen=True, slots=True)
class OrderingUseCases:
    place_order: PlaceOrder
    cancel_order: CancelOrder
    ship_order: ShipOrder
    view_order: ViewOrder
    list_orders: ListOrders
    on_stock_reserved: OnStockReserved
    on_stock_reservation_failed: OnStockReservationFailed
    on_payment_captured: OnPaymentCaptured
    on_payment_failed: OnPaymentFailed
    on_reservation_expired: OnReservationExpired
    on_stock_commit_failed: OnStockCommitFailed


def compose_use_cases(ports: OrderingPorts) -> OrderingUseCases:
    return compose(OrderingUseCases, ports)


ordering_use_cases = Provider[OrderingUseCases]("Ordering's use cases")
