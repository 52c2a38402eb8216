"""Payments' reads that need a rule: who may see an order's payments."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from contexts.ordering.contracts import OrderingFacade
from contexts.payments.application.ports import PaymentQueries, PaymentView
from shared_kernel.application.pages import Page, PageRequest
from shared_kernel.domain.errors import NotFound


class OrderNotFound(NotFound):
    title = "Order not found"
    code = "order_not_found"

    def __init__(self) -> None:
        super().__init__("No such order.")


@dataclass(frozen=True, kw_only=True, slots=True)
class ListOrderPayments:
    """An order's payments, for its customer or staff. Another customer's order is
    indistinguishable from an unknown one (404), so order ids cannot be probed."""

    queries: PaymentQueries
    orders: Callable[[], OrderingFacade]

    def __call__(
        self, *, order_id: uuid.UUID, caller_id: uuid.UUID, caller_is_staff: bool, page: PageRequest
    ) -> Page[PaymentView]:
        customer_id = self.orders().customer_of(order_id)
        if customer_id is None or not (caller_is_staff or customer_id == caller_id):
            raise OrderNotFound()
        return self.queries.of_order(order_id, page)
