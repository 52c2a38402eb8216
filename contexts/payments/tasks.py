"""Payments' Celery tasks, on the payments queue: a payment's gateway work, run outside
any transaction (ADR 0028), and beat's sweep for work whose run was lost."""

import structlog
from celery import shared_task
from django.conf import settings

from contexts.payments.application.services import payments_use_cases
from contexts.payments.domain.payment import PaymentId

logger = structlog.get_logger(__name__)


@shared_task(
    name="payments.settle_payment",
    queue="payments",
    ignore_result=True,
    time_limit=settings.PAYMENT_SETTLE_TIME_LIMIT_SECONDS,
    # Under the hard limit (and under the global soft limit, which Celery requires).
    soft_time_limit=0.9 * settings.PAYMENT_SETTLE_TIME_LIMIT_SECONDS,
)
def settle_payment(payment_id: str) -> str:
    """Charge a pending payment or return money due back; any number of runs charge once.
    A run that fails, or is killed at its time limit, leaves the work due: the sweep runs
    it again once `PAYMENT_SETTLE_GRACE_SECONDS`, longer than that limit, have passed."""
    payment = payments_use_cases().settle_payment(payment_id=PaymentId(payment_id))
    logger.info("payment_settled", payment_id=payment_id, status=payment.status.value)
    return payment.status.value


@shared_task(name="payments.sweep_settlements", queue="payments", ignore_result=True)
def sweep_settlements() -> int:
    swept = payments_use_cases().sweep_settlements()
    if swept:
        logger.warning("payment_settlements_swept", payments=[str(p) for p in swept])
    return len(swept)


@shared_task(name="payments.prune_gateway_events", queue="payments", ignore_result=True)
def prune_gateway_events() -> int:
    """Forget Stripe event ids older than PAYMENT_GATEWAY_EVENT_RETENTION_DAYS."""
    pruned = payments_use_cases().prune_gateway_events()
    logger.info("gateway_events_pruned", events=pruned)
    return pruned
