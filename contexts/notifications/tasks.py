"""Notifications' housekeeping, run by beat (`CELERY_BEAT_SCHEDULE` in settings)."""

import structlog
from celery import shared_task

from contexts.notifications.application.services import notifications_use_cases

logger = structlog.get_logger(__name__)


@shared_task(name="notifications.prune_delivery_log", ignore_result=True)
def prune_delivery_log() -> int:
    """Delete delivery log entries older than NOTIFICATION_LOG_RETENTION_DAYS."""
    pruned = notifications_use_cases().prune_delivery_log()
    logger.info("delivery_log_pruned", entries=pruned)
    return pruned
