"""One example of each event notifications emails about, for the tests."""

import uuid

from contexts.identity.contracts import PasswordResetRequested, UserRegistered
from contexts.ordering.contracts import (
    CancelledLine,
    OrderCancelled,
    OrderConfirmed,
    OrderRejected,
    OrderShipped,
)
from contexts.payments.contracts import PaymentRefunded
from shared_kernel.domain.money import Money

ORDER_ID = uuid.UUID("0b7c6d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e")
RESET_TOKEN = "rst_9f8e7d6c5b4a3210fedcba98"


def user_registered(email: str = "ann@example.com", full_name: str = "Ann Lee") -> UserRegistered:
    return UserRegistered(user_id=uuid.uuid4(), email=email, full_name=full_name)


def reset_requested(email: str = "ann@example.com") -> PasswordResetRequested:
    return PasswordResetRequested(user_id=uuid.uuid4(), email=email, reset_token=RESET_TOKEN)


def order_confirmed(customer_id: uuid.UUID) -> OrderConfirmed:
    return OrderConfirmed(
        order_id=ORDER_ID, customer_id=customer_id, total=Money.of("59.80", "EUR")
    )


def order_rejected(customer_id: uuid.UUID, reason: str = "payment_declined") -> OrderRejected:
    return OrderRejected(order_id=ORDER_ID, customer_id=customer_id, reason=reason)  # type: ignore[arg-type]


def order_shipped(customer_id: uuid.UUID) -> OrderShipped:
    return OrderShipped(order_id=ORDER_ID, customer_id=customer_id, tracking_number="1Z999AA10123")


def order_cancelled(customer_id: uuid.UUID, by: str = "customer") -> OrderCancelled:
    return OrderCancelled(
        order_id=ORDER_ID,
        customer_id=customer_id,
        cancelled_by=by,  # type: ignore[arg-type]
        lines=(CancelledLine(sku="MUG-RED", quantity=2),),
    )


def payment_refunded(customer_id: uuid.UUID) -> PaymentRefunded:
    return PaymentRefunded(
        payment_id=uuid.uuid4(),
        order_id=ORDER_ID,
        customer_id=customer_id,
        amount=Money.of("59.80", "EUR"),
    )
