"""What an operator does to the outbox, whichever door (admin action or `manage.py outbox`).

Both doors call these functions, so they cannot drift apart.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from shared_kernel.domain.events import (
    IntegrationEvent,
    UnknownEvent,
    integration_event_class,
    registered_integration_events,
)
from shared_kernel.messaging import relay, scrub
from shared_kernel.messaging.models import Delivery, InboxEntry, OutboxEvent
from shared_kernel.messaging.serialization import masked_payload, resealed_payload

# Replay brings back what is settled without effect; skip settles whatever is not done. A
# running delivery is never replayed; skipping one makes its run's settle refuse, so the
# run's effect rolls back (consumer: every change is conditional on the run).
REPLAYABLE = (Delivery.Status.DEAD, Delivery.Status.SKIPPED)
SKIPPABLE = (*relay.UNSETTLED, Delivery.Status.DEAD)


@dataclass(frozen=True, slots=True)
class OutboxStatus:
    pending: int
    handed_over: int
    running: int
    done: int
    skipped: int
    dead: int
    oldest_waiting_age_seconds: float | None  # pending or handed over, never started yet
    oldest_running_age_seconds: float | None

    @property
    def waiting(self) -> int:
        return self.pending + self.handed_over

    def lagging(self) -> bool:
        age = self.oldest_waiting_age_seconds
        return age is not None and age > settings.OUTBOX_LAG_THRESHOLD_SECONDS


def status() -> OutboxStatus:
    """Counts per state, and how long the oldest waiting and running deliveries have been."""
    counts = dict(
        Delivery.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    oldest_waiting = Delivery.objects.filter(status__in=relay.WAITING).aggregate(
        oldest=Min("created_at")
    )["oldest"]
    oldest_running = Delivery.objects.filter(status=Delivery.Status.RUNNING).aggregate(
        oldest=Min("started_at")
    )["oldest"]
    return OutboxStatus(
        pending=counts.get(Delivery.Status.PENDING, 0),
        handed_over=counts.get(Delivery.Status.HANDED_OVER, 0),
        running=counts.get(Delivery.Status.RUNNING, 0),
        done=counts.get(Delivery.Status.DONE, 0),
        skipped=counts.get(Delivery.Status.SKIPPED, 0),
        dead=counts.get(Delivery.Status.DEAD, 0),
        oldest_waiting_age_seconds=_age(oldest_waiting),
        oldest_running_age_seconds=_age(oldest_running),
    )


def replay(deliveries: QuerySet[Delivery]) -> int:
    """Give dead or skipped deliveries a fresh set of attempts; hand them over after commit.

    A done delivery is not replayed (its subscriber's inbox would skip it anyway), nor a
    waiting or running one: it is already on its way.
    """
    with transaction.atomic():
        ids = list(
            deliveries.select_for_update()
            .filter(status__in=REPLAYABLE)
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=ids, status__in=REPLAYABLE).update(
            status=Delivery.Status.PENDING,
            attempts=0,
            handovers=0,
            available_at=timezone.now(),
            settled_at=None,
            run_token=None,
        )
        transaction.on_commit(partial(relay.dispatch, ids), robust=True)
    return len(ids)


def skip(deliveries: QuerySet[Delivery]) -> int:
    """Settle the deliveries without running their subscriber (an operator's decision).

    An event whose every delivery is then done or skipped loses its secrets (`scrub`): a
    skipped delivery replayed after that is dead-lettered at once, with the reason.
    """
    with transaction.atomic():
        chosen = list(deliveries.filter(status__in=SKIPPABLE).values_list("pk", "event_id"))
        skipped = Delivery.objects.filter(
            pk__in=[pk for pk, _ in chosen], status__in=SKIPPABLE
        ).update(status=Delivery.Status.SKIPPED, settled_at=timezone.now(), run_token=None)
        scrub.scrub_settled(event_id for _, event_id in chosen)
    return skipped


@dataclass(frozen=True, slots=True)
class Resealed:
    resealed: int
    scrubbed: int


def reseal() -> Resealed:
    """Encrypt every secret still in the outbox with the first of EVENT_ENCRYPTION_KEYS (and
    seal any left in plain text), so an older key can be dropped; scrub those no delivery
    needs any more. Each event is rewritten under its row lock, never over a scrub."""
    resealed = scrubbed = 0
    secretive = Q(pk__in=[])
    for event_class in registered_integration_events():
        if event_class.secret_fields:
            secretive |= Q(event_type=event_class.event_type, version=event_class.version)
    candidates = OutboxEvent.objects.filter(secretive).values_list("pk", flat=True)
    for event_id in list(candidates):
        with transaction.atomic():
            if scrub.scrub_settled([event_id]):
                scrubbed += 1
                continue
            row = OutboxEvent.objects.select_for_update().filter(pk=event_id).first()
            payload = None if row is None else resealed_payload(_event_class(row), row.payload)
            if payload is not None:
                OutboxEvent.objects.filter(pk=event_id).update(payload=payload)
                resealed += 1
    return Resealed(resealed=resealed, scrubbed=scrubbed)


def state_since(delivery: Delivery) -> datetime | None:
    """Since when a delivery has been running, or waiting to start; None once settled."""
    if delivery.status == Delivery.Status.RUNNING:
        return delivery.started_at
    if delivery.status in relay.WAITING:
        return delivery.created_at
    return None


def deliveries_by_id(ids: list[int]) -> QuerySet[Delivery]:
    return Delivery.objects.filter(pk__in=ids)


def dead_letters(subscriber: str | None = None) -> QuerySet[Delivery]:
    dead = Delivery.objects.filter(status=Delivery.Status.DEAD)
    return dead.filter(subscriber=subscriber) if subscriber else dead


@dataclass(frozen=True, slots=True)
class Pruned:
    deliveries: int
    events: int
    inbox_entries: int


def prune(now: datetime | None = None) -> Pruned:
    """Delete settled deliveries and events after OUTBOX_RETENTION_DAYS, inbox rows after
    INBOX_RETENTION_DAYS. An event stays while any of its deliveries does (a dead letter)."""
    now = now or timezone.now()
    outbox_cutoff = now - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    inbox_cutoff = now - timedelta(days=settings.INBOX_RETENTION_DAYS)
    settled = (Delivery.Status.DONE, Delivery.Status.SKIPPED)
    deliveries, _ = Delivery.objects.filter(
        status__in=settled, settled_at__lt=outbox_cutoff
    ).delete()
    old_events = OutboxEvent.objects.filter(occurred_at__lt=outbox_cutoff, deliveries__isnull=True)
    _, per_model = OutboxEvent.objects.filter(pk__in=old_events.values("pk")).delete()
    events = per_model.get(OutboxEvent._meta.label, 0)
    inbox, _ = InboxEntry.objects.filter(processed_at__lt=inbox_cutoff).delete()
    return Pruned(deliveries=deliveries, events=events, inbox_entries=inbox)


def _age(moment: datetime | None) -> float | None:
    return None if moment is None else max((timezone.now() - moment).total_seconds(), 0.0)


def shown_payload(event: OutboxEvent) -> dict[str, Any]:
    """The payload with the event's secret fields masked (and likely secrets of unknown ones)."""
    return masked_payload(_event_class(event), event.payload)


def _event_class(event: OutboxEvent) -> type[IntegrationEvent] | None:
    try:
        return integration_event_class(event.event_type, event.version)
    except UnknownEvent:
        return None
