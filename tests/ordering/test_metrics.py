"""Ordering's business metrics: orders by outcome and saga steps, counted once committed."""

import uuid
from typing import Any

import pytest
from prometheus_client import REGISTRY

from contexts.inventory.contracts import ReservationExpired
from contexts.ordering.subscribers import on_payment_captured, on_reservation_expired
from contexts.payments.contracts import PaymentCaptured
from shared_kernel.domain.money import Money
from tests.ordering.conftest import client_of
from tests.ordering.helpers import ORDERS, confirm, order_body

pytestmark = pytest.mark.django_db


def counted(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def orders(outcome: str, reason: str = "") -> float:
    return counted("emporium_ordering_orders_total", outcome=outcome, reason=reason)


def test_orders_are_counted_by_outcome_once_committed(
    ann: Any, django_capture_on_commit_callbacks: Any
) -> None:
    placed, confirmed, cancelled = orders("placed"), orders("confirmed"), orders("cancelled")

    with django_capture_on_commit_callbacks(execute=True):
        order_id = client_of(ann).post(ORDERS, order_body(), format="json").json()["id"]
        refused = client_of(ann).post(f"{ORDERS}/{order_id}/cancel")
        confirm(order_id)

    assert refused.status_code == 409
    assert (orders("placed"), orders("confirmed"), orders("cancelled")) == (
        placed + 1,
        confirmed + 1,
        cancelled,
    )


def test_a_late_capture_counts_as_compensated(
    ann: Any, django_capture_on_commit_callbacks: Any
) -> None:
    order_id = uuid.UUID(client_of(ann).post(ORDERS, order_body(), format="json").json()["id"])
    expired = orders("rejected", "reservation_expired")
    late = counted(
        "emporium_ordering_saga_steps_total", event_type="PaymentCaptured", outcome="compensated"
    )

    with django_capture_on_commit_callbacks(execute=True):
        on_reservation_expired(ReservationExpired(order_id=order_id, reservation_id=uuid.uuid4()))
        on_payment_captured(
            PaymentCaptured(
                payment_id=uuid.uuid4(),
                order_id=order_id,
                customer_id=ann.pk,
                amount=Money.of("48.30", "EUR"),
            )
        )

    assert orders("rejected", "reservation_expired") == expired + 1
    assert counted(
        "emporium_ordering_saga_steps_total", event_type="PaymentCaptured", outcome="compensated"
    ) == (late + 1)
