"""Ordering's use cases for its doors (API, admin): each a frozen dataclass of the ports it
needs, called with the command's fields. Load, call the domain, save; the unit of work
publishes what the order raised (ARCHITECTURE.md §2). `services.compose_use_cases` builds
them all, the saga's steps (`saga.py`) included."""

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from contexts.catalog.contracts import SkuSummary
from contexts.ordering.application.ports import Catalog, OrderQueries, OrderRepository
from contexts.ordering.application.views import OrderView
from contexts.ordering.domain.address import ShippingAddress
from contexts.ordering.domain.errors import InvalidOrderInput, OrderNotFound
from contexts.ordering.domain.order import Actor, Order, OrderId, OrderLine, OrderStatus
from shared_kernel.application.clock import Clock
from shared_kernel.application.pages import Page, PageRequest
from shared_kernel.application.unit_of_work import UnitOfWork
from shared_kernel.domain.errors import PermissionDenied

NewUnitOfWork = Callable[[], UnitOfWork]


@dataclass(frozen=True, slots=True)
class Caller:
    """Who asks: a customer sees and changes only their own orders; staff see all."""

    user_id: uuid.UUID
    is_staff: bool

    def may_see(self, customer_id: uuid.UUID) -> bool:
        return self.is_staff or self.user_id == customer_id


@dataclass(frozen=True, slots=True)
class RequestedLine:
    sku: str
    quantity: int


@dataclass(frozen=True, kw_only=True, slots=True)
class PlaceOrder:
    """A customer orders: priced through catalog (one call for every line), placed pending,
    announced (`OrderPlaced`) for inventory to reserve. Scarce stock and declined cards
    are the saga's to decide, never this request's."""

    uow: NewUnitOfWork
    orders: OrderRepository
    catalog: Catalog
    clock: Clock

    def __call__(
        self,
        *,
        customer_id: uuid.UUID,
        lines: Sequence[RequestedLine],
        payment_method: str,
        shipping_address: Mapping[str, str],
    ) -> Order:
        address = ShippingAddress(**shipping_address)
        summaries = self.catalog().skus([line.sku for line in lines])
        priced = [_priced(index, line, summaries) for index, line in enumerate(lines)]
        with self.uow():
            order = Order.place(
                id=OrderId.new(),
                customer_id=customer_id,
                lines=priced,
                shipping_address=address,
                payment_method=payment_method,
                at=self.clock(),
            )
            self.orders.add(order)
        return order


def _priced(index: int, line: RequestedLine, summaries: Mapping[str, SkuSummary]) -> OrderLine:
    summary = summaries.get(line.sku)
    if summary is None:
        raise InvalidOrderInput(f"lines.{index}.sku", f"There is no SKU '{line.sku}'.")
    if not summary.published:
        raise InvalidOrderInput(f"lines.{index}.sku", f"SKU '{line.sku}' is not on sale.")
    return OrderLine(
        sku=line.sku, name=summary.name, unit_price=summary.price, quantity=line.quantity
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class CancelOrder:
    """The customer or staff cancel a confirmed order: refund and stock return follow
    (`OrderCancelled`). Another customer's order is not found."""

    uow: NewUnitOfWork
    orders: OrderRepository
    clock: Clock

    def __call__(self, *, order_id: uuid.UUID, caller: Caller) -> Order:
        with self.uow():
            order = _visible(self.orders, order_id, caller)
            by = Actor.CUSTOMER if order.customer_id == caller.user_id else Actor.STAFF
            order.cancel(by=by, at=self.clock())
            self.orders.save(order)
        return order


@dataclass(frozen=True, kw_only=True, slots=True)
class ShipOrder:
    """Staff ship a confirmed order with its tracking number (`OrderShipped`)."""

    uow: NewUnitOfWork
    orders: OrderRepository
    clock: Clock

    def __call__(self, *, order_id: uuid.UUID, tracking_number: str, caller: Caller) -> Order:
        if not caller.is_staff:
            raise PermissionDenied("Only staff ship orders.")
        with self.uow():
            order = self.orders.get(OrderId(order_id))
            order.ship(tracking_number=tracking_number, at=self.clock())
            self.orders.save(order)
        return order


@dataclass(frozen=True, kw_only=True, slots=True)
class ViewOrder:
    """One order as shown: its owner's or, for staff, anyone's."""

    queries: OrderQueries

    def __call__(self, *, order_id: uuid.UUID, caller: Caller) -> OrderView:
        view = self.queries.one(order_id)
        if view is None or not caller.may_see(view.customer_id):
            raise OrderNotFound()
        return view


@dataclass(frozen=True, kw_only=True, slots=True)
class ListOrders:
    """A page of orders, newest first: the caller's own, or every one for staff."""

    queries: OrderQueries

    def __call__(
        self, *, caller: Caller, page: PageRequest, status: OrderStatus | None = None
    ) -> Page[OrderView]:
        customer_id = None if caller.is_staff else caller.user_id
        return self.queries.page(page, customer_id=customer_id, status=status)


def _visible(orders: OrderRepository, order_id: uuid.UUID, caller: Caller) -> Order:
    order = orders.get(OrderId(order_id))
    if not caller.may_see(order.customer_id):
        raise OrderNotFound()
    return order
