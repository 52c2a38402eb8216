"""What ordering's use cases need from the outside world, stated as abstract ports.

Each has two adapters: Django's (`infrastructure/`) and the tests' in-memory fake
(`tests/ordering/fakes.py`). Catalog is reached through its facade (`contracts.py`), passed
as the `Provider` itself so a test's override is seen when an order is priced.
"""

import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable

from contexts.catalog.contracts import CatalogFacade
from contexts.ordering.application.views import OrderView
from contexts.ordering.domain.order import Order, OrderId, OrderStatus
from shared_kernel.application.pages import Page, PageRequest

Catalog = Callable[[], CatalogFacade]


class OrderRepository(ABC):
    """Orders, versioned: `save` stores only the version `get` handed out (else 409)."""

    @abstractmethod
    def get(self, order_id: OrderId) -> Order:
        """The order, or OrderNotFound."""

    @abstractmethod
    def add(self, order: Order) -> None: ...

    @abstractmethod
    def save(self, order: Order) -> None:
        """Store the changes and the new history entries; StaleAggregate if the order
        changed since it was loaded."""


class OrderQueries(ABC):
    """The read side: orders as the API and admin show them, with no rule to apply."""

    @abstractmethod
    def one(self, order_id: uuid.UUID) -> OrderView | None: ...

    @abstractmethod
    def page(
        self, request: PageRequest, *, customer_id: uuid.UUID | None, status: OrderStatus | None
    ) -> Page[OrderView]:
        """Newest first; every customer's when `customer_id` is None. A constant number of
        queries whatever the page size."""
