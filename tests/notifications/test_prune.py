"""Housekeeping: beat prunes delivery log entries past NOTIFICATION_LOG_RETENTION_DAYS."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from config.celery import app
from contexts.notifications.models import EmailDelivery
from contexts.notifications.tasks import prune_delivery_log
from shared_kernel.messaging.testing import deliver_pending
from tests.notifications import events
from tests.notifications.conftest import publish

pytestmark = pytest.mark.django_db


def logged_days_ago(days: int) -> EmailDelivery:
    publish(events.user_registered(f"d{days}@example.com"))
    deliver_pending()
    entry = EmailDelivery.objects.get(recipient=f"d{days}@example.com")
    EmailDelivery.objects.filter(pk=entry.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    return entry


def test_entries_older_than_the_retention_are_pruned_and_the_rest_kept(settings):
    settings.NOTIFICATION_LOG_RETENTION_DAYS = 30
    logged_days_ago(31)
    kept = logged_days_ago(29)

    assert prune_delivery_log.apply().get() == 1

    assert list(EmailDelivery.objects.values_list("pk", flat=True)) == [kept.pk]


def test_beat_runs_the_task_on_the_notifications_queue():
    (entry,) = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "notifications.prune_delivery_log"
    ]
    assert entry["options"] == {"queue": "notifications"}
    assert "notifications.prune_delivery_log" in app.tasks
