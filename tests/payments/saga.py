"""Helpers for payments' tests on the database: ordering's events published as ordering
would, delivered through the bus, and payments' own events read back from the outbox."""

import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from contexts.ordering.contracts import (
    CancelledLine,
    OrderCancelled,
    OrderRejected,
    PaymentRequested,
    RejectionReason,
)
from contexts.payments.application.ports import PaymentGateway
from contexts.payments.application.services import compose_use_cases, payments_use_cases
from contexts.payments.bootstrap import django_ports
from shared_kernel.domain.events import IntegrationEvent
from shared_kernel.domain.money import Money
from shared_kernel.messaging.models import OutboxEvent
from shared_kernel.messaging.testing import deliver_pending, eager_delivery
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork

CUSTOMER = uuid.UUID("00000000-0000-0000-0000-00000000c0de")
AMOUNT = Money.of("42.00", "EUR")


def publish(event: IntegrationEvent, *, order_id: uuid.UUID, sequence: int) -> None:
    """As ordering's unit of work would: the order's id and version on the envelope."""
    with DjangoUnitOfWork() as uow:
        uow.publish(event, aggregate_id=str(order_id), sequence=sequence)


def payment_requested(order_id: uuid.UUID, method: str = "pm_card_visa") -> None:
    event = PaymentRequested(
        order_id=order_id, customer_id=CUSTOMER, amount=AMOUNT, payment_method=method
    )
    publish(event, order_id=order_id, sequence=3)


def order_rejected(order_id: uuid.UUID, reason: RejectionReason = "reservation_expired") -> None:
    event = OrderRejected(order_id=order_id, customer_id=CUSTOMER, reason=reason)
    publish(event, order_id=order_id, sequence=4)


def order_cancelled(order_id: uuid.UUID) -> None:
    event = OrderCancelled(
        order_id=order_id,
        customer_id=CUSTOMER,
        cancelled_by="customer",
        lines=(CancelledLine(sku="SKU-1", quantity=1),),
    )
    publish(event, order_id=order_id, sequence=5)


def deliver(
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
) -> None:
    """Run every due delivery, then what their commits started (the charge or refund),
    with Celery eager, as a worker would."""
    with eager_delivery(), django_capture_on_commit_callbacks(execute=True):
        deliver_pending()


@contextmanager
def gateway_in_use(gateway: PaymentGateway) -> Iterator[PaymentGateway]:
    with payments_use_cases.overridden(compose_use_cases(django_ports(gateway))):
        yield gateway


def published_by_payments(order_id: uuid.UUID) -> list[OutboxEvent]:
    return list(
        OutboxEvent.objects.filter(publisher="payments", payload__order_id=str(order_id)).order_by(
            "sequence"
        )
    )
