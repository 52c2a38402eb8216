"""In-memory fakes of ordering's ports and of catalog's facade, and the use cases composed
on them as the app composes them on Django's adapters (`compose_use_cases`)."""

import uuid
from collections.abc import Iterable
from decimal import Decimal

from contexts.catalog.contracts import CatalogFacade, SkuSummary
from contexts.ordering.application.ports import OrderQueries, OrderRepository
from contexts.ordering.application.services import (
    OrderingPorts,
    OrderingUseCases,
    compose_use_cases,
)
from contexts.ordering.application.views import OrderView
from contexts.ordering.domain.errors import OrderNotFound
from contexts.ordering.domain.order import Order, OrderId, OrderStatus
from shared_kernel.application.pages import Page, PageRequest
from shared_kernel.domain.money import Money
from tests.support.fakes import FakeClock, FakeUnitOfWork, InMemoryRepository


class InMemoryOrders(InMemoryRepository[Order], OrderRepository):
    def get(self, order_id: OrderId) -> Order:
        found = self._load(str(order_id))
        if found is None:
            raise OrderNotFound()
        return found

    def add(self, order: Order) -> None:
        self._insert(order)

    def save(self, order: Order) -> None:
        self._update(order)

    def all(self) -> list[Order]:
        return list(self._all())


class InMemoryOrderQueries(OrderQueries):
    """Reads what the fake repository holds; one page, newest first (no cursors)."""

    def __init__(self, orders: InMemoryOrders) -> None:
        self.orders = orders

    def one(self, order_id: uuid.UUID) -> OrderView | None:
        found = self.orders._load(str(order_id))
        return OrderView.of(found) if found is not None else None

    def page(
        self, request: PageRequest, *, customer_id: uuid.UUID | None, status: OrderStatus | None
    ) -> Page[OrderView]:
        chosen = [
            order
            for order in self.orders.all()
            if customer_id in (None, order.customer_id) and status in (None, order.status)
        ]
        chosen.sort(key=lambda order: order.created_at, reverse=True)
        return Page(items=tuple(OrderView.of(order) for order in chosen[: request.size]))


class FakeCatalog(CatalogFacade):
    """SKUs by code; `calls` counts the batch lookups (an order is priced in one)."""

    def __init__(self) -> None:
        self.summaries: dict[str, SkuSummary] = {}
        self.calls = 0

    def add(self, code: str, price: str, *, published: bool = True, name: str = "") -> None:
        self.summaries[code] = SkuSummary(
            code=code,
            product_id=uuid.uuid4(),
            name=name or f"Product {code}",
            price=Money(Decimal(price), "EUR"),
            published=published,
        )

    def sku(self, code: str) -> SkuSummary | None:
        return self.summaries.get(code)

    def skus(self, codes: Iterable[str]) -> dict[str, SkuSummary]:
        self.calls += 1
        return {code: self.summaries[code] for code in codes if code in self.summaries}

    def sku_codes(self) -> list[str]:
        return sorted(self.summaries)


class OrderingFakes:
    """Every port faked; `use_cases()` composes them as the app does."""

    def __init__(self) -> None:
        self.orders = InMemoryOrders()
        self.uow = FakeUnitOfWork(stores=[self.orders])
        self.catalog = FakeCatalog()
        self.clock = FakeClock()
        self.catalog.add("SHIRT-M", "19.90", name="Linen shirt (size M)")
        self.catalog.add("MUG", "8.50", name="Mug")
        self.catalog.add("OLD", "5.00", published=False)

    def use_cases(self) -> OrderingUseCases:
        return compose_use_cases(
            OrderingPorts(
                uow=self.uow.factory,
                orders=self.orders,
                queries=InMemoryOrderQueries(self.orders),
                catalog=lambda: self.catalog,
                clock=self.clock,
            )
        )
