"""Payments' business metrics (ARCHITECTURE.md §7): payments by outcome, counted once the
change has committed (a rolled-back or stale save counts nothing, a retried one once), and
the Stripe breaker's changes of state, per process."""

from typing import Any

import pybreaker
from django.db import transaction
from prometheus_client import Counter

PAYMENTS = Counter(
    "emporium_payments_outcomes_total",
    "Payments by outcome: opened, captured, failed (with its reason), voided, refunded, "
    "refund_refused (with the gateway's reason: staff must return the money by hand).",
    ["outcome", "reason"],
)
BREAKER_CHANGES = Counter(
    "emporium_payments_gateway_breaker_changes_total",
    "The payment gateway's circuit breaker entering a state (open, half-open, closed), in "
    "any process: an opening means a worker stopped calling a gateway it saw failing.",
    ["gateway", "state"],
)


def count_payment_outcome(outcome: str, reason: str = "") -> None:
    transaction.on_commit(lambda: PAYMENTS.labels(outcome=outcome, reason=reason).inc())


class BreakerMetrics(pybreaker.CircuitBreakerListener):
    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: Any, new_state: Any) -> None:
        BREAKER_CHANGES.labels(gateway=cb.name, state=new_state.name).inc()
