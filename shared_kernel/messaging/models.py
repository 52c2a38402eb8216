"""The outbox, its deliveries and the inbox, as Django stores them (ARCHITECTURE.md §3).

- `OutboxEvent`: one row per published integration event, written in the publishing use
  case's transaction; the envelope in columns, the payload as JSON.
- `Delivery`: one row per (event, subscriber); it carries the delivery's state, its runs
  (attempts), the lease of the run in progress and its last error, so retries have one
  owner whatever runs the subscriber.
- `InboxEntry`: one row per (event, subscriber) handled, written in the same transaction as
  the subscriber's effect, so a redelivered event has no second effect.
"""

import uuid

from django.db import models
from django.utils import timezone


class OutboxEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event_type = models.CharField(max_length=100)
    version = models.PositiveIntegerField()
    publisher = models.CharField(max_length=100)
    occurred_at = models.DateTimeField()
    aggregate_id = models.CharField(max_length=100)
    sequence = models.BigIntegerField(default=0)
    correlation_id = models.CharField(max_length=100)
    causation_id = models.CharField(max_length=100, blank=True)
    payload = models.JSONField()

    class Meta:
        verbose_name = "outbox event"
        indexes = [
            models.Index(fields=["occurred_at"], name="outbox_event_occurred"),
            models.Index(fields=["aggregate_id", "sequence"], name="outbox_event_aggregate"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} v{self.version} {self.id}"


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        HANDED_OVER = "handed_over", "handed over"
        RUNNING = "running", "running"
        DONE = "done", "done"
        SKIPPED = "skipped", "skipped"
        DEAD = "dead", "dead"

    class Mode(models.TextChoices):
        INLINE = "inline", "in-process"
        ASYNC = "async", "asynchronous (Celery)"

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(max_length=150)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    queue = models.CharField(max_length=100)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    # Runs started (each under a lease); handing over a message is not an attempt.
    attempts = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    # Times handed over since the last run started: the exponent of the handover backoff.
    handovers = models.PositiveIntegerField(default=0)
    # When the relay looks at the row next. Pending: the earliest handover (a backoff).
    # Handed over: when it is handed over again if no worker has started it. Running: when
    # the run's lease runs out, and the run counts as failed.
    available_at = models.DateTimeField(default=timezone.now)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    # The run in progress: its token makes every later change conditional on this run.
    run_token = models.UUIDField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="delivery_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["status", "available_at"], name="delivery_due"),
            models.Index(fields=["status", "settled_at"], name="delivery_settled"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} ← {self.event_id} ({self.status})"


class DeadLetter(Delivery):
    """Dead deliveries, listed apart in the admin: the operator's inbox of failures."""

    class Meta:
        proxy = True
        verbose_name = "dead letter"


class InboxEntry(models.Model):
    event_id = models.UUIDField()
    subscriber = models.CharField(max_length=150)
    processed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "inbox entries"
        constraints = [
            models.UniqueConstraint(fields=["event_id", "subscriber"], name="inbox_once"),
        ]
        indexes = [models.Index(fields=["processed_at"], name="inbox_processed")]

    def __str__(self) -> str:
        return f"{self.subscriber} handled {self.event_id}"
