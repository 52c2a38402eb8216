"""Orders and their parts, built for tests without a database."""

import uuid
from datetime import UTC, datetime

from contexts.ordering.domain.address import ShippingAddress
from contexts.ordering.domain.order import Order, OrderId, OrderLine
from shared_kernel.domain.money import Money

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def an_address(**overrides: str) -> ShippingAddress:
    fields = {
        "name": "Ann Lee",
        "line1": "1 Rue de Rivoli",
        "city": "Paris",
        "postal_code": "75001",
        "country": "FR",
        **overrides,
    }
    return ShippingAddress(**fields)


def a_line(sku: str = "SHIRT-M", *, price: str = "19.90", quantity: int = 2) -> OrderLine:
    return OrderLine(sku=sku, name=f"Product {sku}", unit_price=eur(price), quantity=quantity)


def an_order(
    *lines: OrderLine, customer_id: uuid.UUID | None = None, payment_method: str = "pm_card_visa"
) -> Order:
    return Order.place(
        id=OrderId.new(),
        customer_id=customer_id or uuid.uuid4(),
        lines=lines or (a_line(), a_line("MUG", price="8.50", quantity=1)),
        shipping_address=an_address(),
        payment_method=payment_method,
        at=NOW,
    )
