"""Housekeeping: beat forgets Stripe event ids past PAYMENT_GATEWAY_EVENT_RETENTION_DAYS,
never sooner than Stripe's 3 days of retries; order gates are kept (ADR 0028)."""

import os
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from config.celery import app
from contexts.payments.infrastructure.models import GatewayEvent, OrderGate
from contexts.payments.tasks import prune_gateway_events
from tests.payments.fakes import PaymentsFakes
from tests.support.processes import python


def test_events_past_the_retention_are_forgotten_and_a_retry_within_it_still_ignored():
    fakes = PaymentsFakes()
    log = fakes.gateway_events
    log.first_time("evt_old")
    fakes.clock.advance(days=29)
    log.first_time("evt_recent")
    fakes.clock.advance(days=2)  # evt_old is 31 days old, evt_recent 2
    assert fakes.use_cases().prune_gateway_events() == 1
    assert log.first_time("evt_old")  # forgotten: would be processed as new
    assert not log.first_time("evt_recent")  # Stripe's retry of it: still a replay


@pytest.mark.django_db
def test_the_task_prunes_the_stored_events_and_keeps_the_order_gates(settings):
    settings.PAYMENT_GATEWAY_EVENT_RETENTION_DAYS = 30
    for event_id, days in (("evt_31", 31), ("evt_29", 29)):
        GatewayEvent.objects.create(event_id=event_id)
        GatewayEvent.objects.filter(pk=event_id).update(
            received_at=timezone.now() - timedelta(days=days)
        )
    OrderGate.objects.create(order_id=uuid.uuid4(), closed_at=timezone.now() - timedelta(days=400))

    assert prune_gateway_events.apply().get() == 1

    assert list(GatewayEvent.objects.values_list("pk", flat=True)) == ["evt_29"]
    assert OrderGate.objects.count() == 1


def test_beat_runs_the_task_daily_on_the_payments_queue():
    (entry,) = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "payments.prune_gateway_events"
    ]
    assert entry["options"] == {"queue": "payments"}
    assert "payments.prune_gateway_events" in app.tasks


def test_a_retention_shorter_than_stripes_retries_refuses_to_start():
    """Settings are read once per process: a fresh interpreter."""
    env = {**os.environ, "PAYMENT_GATEWAY_EVENT_RETENTION_DAYS": "2"}
    result = python(env, "-c", "import config.settings")
    assert result.returncode != 0
    assert "Stripe retries an event for up to 3 days" in result.stderr
