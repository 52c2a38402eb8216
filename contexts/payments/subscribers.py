"""Payments' subscribers: its steps of the order saga (ARCHITECTURE.md §4).

Doors like the API and the admin: an event in, one use case, nothing out but what the use
case publishes. Registered by `PaymentsConfig.ready()`, async on the payments queue; the
bus runs each handler in one transaction with its inbox row, so an event delivered twice
has one effect. The gateway is not called here: the use cases leave the charge or refund
due, and it runs once this transaction has committed (ADR 0028).

- `payments.open_payment` on `PaymentRequested`: a pending payment, then its charge.
- `payments.close_on_rejection` on `OrderRejected`: a pending payment voided, a captured
  one refunded; met before the order's `PaymentRequested`, the order is closed for good.
- `payments.refund_on_cancellation` on `OrderCancelled`: the same, for a cancelled order.
"""

import structlog

from contexts.ordering.contracts import OrderCancelled, OrderRejected, PaymentRequested
from contexts.payments.application.services import payments_use_cases
from shared_kernel.messaging.bus import subscribe
from shared_kernel.messaging.envelope import Envelope

logger = structlog.get_logger(__name__)


def open_payment(event: PaymentRequested, envelope: Envelope) -> None:
    payment = payments_use_cases().open_payment(
        order_id=event.order_id,
        customer_id=event.customer_id,
        amount=event.amount,
        payment_method=event.payment_method,
    )
    if payment is None:  # the order's rejection came first: never charged
        logger.info(
            "payment_request_for_closed_order",
            order_id=str(event.order_id),
            sequence=envelope.sequence,
        )


def close_order_payment(event: OrderRejected | OrderCancelled, envelope: Envelope) -> None:
    """The envelope's sequence is the order's version at its closing: kept on the order's
    gate, it shows which of the order's events closed it."""
    payments_use_cases().close_order_payment(order_id=event.order_id, sequence=envelope.sequence)


def register() -> None:
    subscribe(PaymentRequested, open_payment, name="payments.open_payment")
    subscribe(OrderRejected, close_order_payment, name="payments.close_on_rejection")
    subscribe(OrderCancelled, close_order_payment, name="payments.refund_on_cancellation")
