"""Ordering's business metrics (ARCHITECTURE.md §7), counted once the change has committed:
a rolled-back order or step counts nothing, a retried one counts once."""

from django.db import transaction
from prometheus_client import Counter

ORDERS = Counter(
    "emporium_ordering_orders_total",
    "Orders by outcome: placed, confirmed, rejected (with its reason), cancelled, shipped.",
    ["outcome", "reason"],
)
SAGA_STEPS = Counter(
    "emporium_ordering_saga_steps_total",
    "Events the order saga handled, by event type and what it did (applied, ignored, "
    "compensated: a late event).",
    ["event_type", "outcome"],
)


def count_order_outcome(outcome: str, reason: str = "") -> None:
    transaction.on_commit(lambda: ORDERS.labels(outcome=outcome, reason=reason).inc())


def count_saga_step(event_type: str, outcome: str) -> None:
    transaction.on_commit(lambda: SAGA_STEPS.labels(event_type=event_type, outcome=outcome).inc())
