"""Ordering's housekeeping, run by beat (`CELERY_BEAT_SCHEDULE` in settings)."""

import structlog
from celery import shared_task

from contexts.ordering.infrastructure.models import IdempotencyKey
from shared_kernel.api.idempotency import IdempotencyKeys

logger = structlog.get_logger(__name__)


@shared_task(name="ordering.prune_idempotency_keys", ignore_result=True)
def prune_idempotency_keys() -> int:
    """Forget the `Idempotency-Key`s of `POST /orders` older than IDEMPOTENCY_KEY_TTL_HOURS."""
    pruned = IdempotencyKeys(IdempotencyKey).prune()
    logger.info("idempotency_keys_pruned", count=pruned)
    return pruned
