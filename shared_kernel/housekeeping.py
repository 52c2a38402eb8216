"""Housekeeping that belongs to no context: pruning what the libraries we use leave behind.

Run by beat (`CELERY_BEAT_SCHEDULE` in settings); the outbox prunes itself
(`shared_kernel.messaging.tasks.prune_outbox`).
"""

from celery import shared_task
from django.core.management import call_command


@shared_task(name="shared_kernel.housekeeping.flush_expired_tokens", ignore_result=True)
def flush_expired_tokens() -> None:
    """Delete expired refresh tokens (and their blacklist rows) through simplejwt's command."""
    call_command("flushexpiredtokens")
