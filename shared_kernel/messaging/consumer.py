"""Running one delivery: take its lease, run its subscriber with the inbox, settle the row.

The same code runs an in-process subscriber (called by the relay) and an asynchronous one
(the `deliver` Celery task). The delivery row is the one owner of retries (ARCHITECTURE.md
§3): a run begins with a **lease**, one conditional UPDATE that moves a waiting delivery to
`running` with a fresh run token and counts the attempt. Every later change the run makes
(done, failed, dead) is conditional on that token, so a run that lost its lease (expired,
skipped, dead-lettered, or settled by another run) changes nothing: its effect and its
inbox row roll back with the refused settle.

A copy of a delivery that is already running or settled is acknowledged without effect. A
subscriber or event version this process does not know (a rolling deploy: web newer than
workers) waits for a worker that knows it, for OUTBOX_UNKNOWN_GRACE_SECONDS, before it is
dead-lettered; an event this code cannot decode is dead-lettered at once.
"""

import enum
import traceback
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from celery import Task, shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from shared_kernel.domain.events import IntegrationEvent, UnknownEvent, integration_event_class
from shared_kernel.messaging import bus, inbox, scrub
from shared_kernel.messaging.envelope import Envelope
from shared_kernel.messaging.models import Delivery, InboxEntry, OutboxEvent
from shared_kernel.messaging.retries import handover_delay, retry_delay
from shared_kernel.messaging.serialization import (
    MASK,
    EventDecodeError,
    SecretScrubbed,
    decode_event,
)

logger = structlog.get_logger(__name__)

SETTLED = (Delivery.Status.DONE, Delivery.Status.SKIPPED, Delivery.Status.DEAD)
WAITING = (Delivery.Status.PENDING, Delivery.Status.HANDED_OVER)
_UNKNOWN_FOR_TOO_LONG = "{reason} Waited {grace} s for a worker that knows it (rolling deploy)."


class Outcome(enum.StrEnum):
    DONE = "done"
    DUPLICATE = "duplicate"  # another run holds the lease, or the inbox has the event
    ALREADY_SETTLED = "already_settled"
    LEASE_LOST = "lease_lost"  # this run's delivery was settled or reclaimed meanwhile
    AWAITING_DEPLOY = "awaiting_deploy"  # unknown here: handed over again later
    RETRY = "retry"
    DEAD = "dead"


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    retry_in: float | None = None


@dataclass(frozen=True, slots=True)
class Lease:
    """The run in progress: the attempt it counts and the token its changes are keyed on."""

    delivery_id: int
    token: uuid.UUID
    attempt: int
    mode: str


class LeaseLost(Exception):
    """The run's settle found its delivery no longer running under its token."""


def consume(delivery_id: int) -> Result:
    """Run the delivery's subscriber once, under a lease, with its inbox row, and settle it."""
    delivery = Delivery.objects.select_related("event").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in SETTLED:
        return Result(Outcome.ALREADY_SETTLED)
    if delivery.status == Delivery.Status.RUNNING:
        return Result(Outcome.DUPLICATE)
    subscription = bus.subscription_named(delivery.subscriber)
    if subscription is None:
        return _await_deploy(delivery, f"No subscriber named {delivery.subscriber!r} here.")
    try:
        event, envelope = decoded(delivery.event)
    except UnknownEvent as error:
        return _await_deploy(delivery, str(error))
    except SecretScrubbed as error:
        if _handled_already(delivery):  # a copy: the inbox says its effect is there
            return _settle_handled_copy(delivery)
        return _dead_letter_waiting(delivery, str(error))
    except EventDecodeError as error:
        return _dead_letter_waiting(delivery, str(error))
    lease = _take_lease(delivery)
    if lease is None:
        return _copy_outcome(delivery_id)
    with structlog.contextvars.bound_contextvars(
        event_id=str(envelope.event_id), subscriber=subscription.name, attempt=lease.attempt
    ):
        try:
            return _run_once(lease, subscription, event, envelope)
        except LeaseLost:
            logger.warning("delivery_lease_lost", delivery_id=delivery_id)
            return Result(Outcome.LEASE_LOST)
        except Exception as error:
            return _record_failure(lease, error, secrets=_secret_values(event))


def decoded(row: OutboxEvent) -> tuple[IntegrationEvent, Envelope]:
    """The event and its envelope from a stored row."""
    event = decode_event(integration_event_class(row.event_type, row.version), row.payload)
    envelope = Envelope(
        event_id=row.id,
        event_type=row.event_type,
        version=row.version,
        occurred_at=row.occurred_at,
        aggregate_id=row.aggregate_id,
        sequence=row.sequence,
        correlation_id=row.correlation_id,
        causation_id=row.causation_id,
    )
    return event, envelope


def _take_lease(delivery: Delivery) -> Lease | None:
    """Start a run: waiting → running, one more attempt; None if another run got there first."""
    now, token = timezone.now(), uuid.uuid4()
    started = Delivery.objects.filter(pk=delivery.pk, status__in=WAITING).update(
        status=Delivery.Status.RUNNING,
        run_token=token,
        started_at=now,
        attempts=F("attempts") + 1,
        handovers=0,
        available_at=now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
    )
    if not started:
        return None
    # The row was read just before: the attempt is one more than it held, unless a
    # replay reset it in between, which the conditional settle then tells apart.
    return Lease(delivery.pk, token, delivery.attempts + 1, delivery.mode)


def _copy_outcome(delivery_id: int) -> Result:
    status = Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
    return Result(Outcome.ALREADY_SETTLED if status in SETTLED else Outcome.DUPLICATE)


def _run_once(
    lease: Lease,
    subscription: bus.Subscription,
    event: IntegrationEvent,
    envelope: Envelope,
) -> Result:
    with transaction.atomic():
        first_time = inbox.admit(envelope.event_id, subscription.name)
        if first_time:
            with bus.handling(envelope):
                subscription.run(event, envelope)
        if not _this_run(lease).update(
            status=Delivery.Status.DONE, settled_at=timezone.now(), run_token=None, last_error=""
        ):
            raise LeaseLost  # rolls back the effect and the inbox row with it
        if event.secret_fields:  # the last of its deliveries to settle erases the secret
            scrub.scrub_settled([envelope.event_id])
    return Result(Outcome.DONE if first_time else Outcome.DUPLICATE)


def _this_run(lease: Lease) -> QuerySet[Delivery]:
    return Delivery.objects.filter(
        pk=lease.delivery_id, status=Delivery.Status.RUNNING, run_token=lease.token
    )


def _secret_values(event: IntegrationEvent) -> list[str]:
    values = (getattr(event, name) for name in event.secret_fields)
    return [str(value) for value in values if value is not None and str(value)]


def _redacted(text: str, secrets: Sequence[str]) -> str:
    """The text with the event's secrets masked: a subscriber's error message may quote
    them, and the error is stored (`last_error`) and logged."""
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def _record_failure(lease: Lease, error: Exception, *, secrets: Sequence[str] = ()) -> Result:
    """Count the failure; dead-letter after the last attempt, else schedule the next one.

    An async delivery is retried by Celery (the caller raises `Task.retry`), so the row is
    kept handed over, due to the relay only if that retry's message never starts; an
    in-process one goes back to pending, due after the backoff, for the relay to run.
    """
    now = timezone.now()
    description = _redacted("".join(traceback.format_exception(error, limit=5)), secrets)
    with transaction.atomic():
        delivery = _this_run(lease).select_for_update().first()
        if delivery is None:  # settled, skipped or reclaimed meanwhile: not this run's to say
            return Result(Outcome.LEASE_LOST)
        delivery.failures += 1
        delivery.last_error = description
        delivery.run_token = None
        if delivery.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            delivery.status, delivery.settled_at = Delivery.Status.DEAD, now
            result = Result(Outcome.DEAD)
        else:
            delay = retry_delay(delivery.attempts)
            _schedule_retry(delivery, now, delay)
            result = Result(Outcome.RETRY, retry_in=delay)
        delivery.save()
    logger.warning(
        "subscriber_failed",
        delivery_id=lease.delivery_id,
        attempt=delivery.attempts,
        outcome=result.outcome.value,
        error=_redacted(repr(error), secrets),
    )
    return result


def _schedule_retry(delivery: Delivery, now: datetime, delay: float) -> None:
    delivery.handovers = 0
    if delivery.mode == Delivery.Mode.ASYNC:
        delivery.status = Delivery.Status.HANDED_OVER
        delivery.handed_over_at = now
        delivery.available_at = now + timedelta(seconds=delay + handover_delay(1))
    else:
        delivery.status = Delivery.Status.PENDING
        delivery.available_at = now + timedelta(seconds=delay)


def _await_deploy(delivery: Delivery, reason: str) -> Result:
    """Unknown here: hand it over again later, to a newer worker; dead after the grace period."""
    waited = (timezone.now() - delivery.created_at).total_seconds()
    if waited > settings.OUTBOX_UNKNOWN_GRACE_SECONDS:
        grace = settings.OUTBOX_UNKNOWN_GRACE_SECONDS
        return _dead_letter_waiting(
            delivery, _UNKNOWN_FOR_TOO_LONG.format(reason=reason, grace=grace)
        )
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk, status__in=WAITING).update(
        status=Delivery.Status.HANDED_OVER,
        handed_over_at=now,
        available_at=now + timedelta(seconds=handover_delay(max(delivery.handovers, 1))),
        last_error=reason,
    )
    logger.warning("delivery_awaits_deploy", delivery_id=delivery.pk, reason=reason)
    return Result(Outcome.AWAITING_DEPLOY)


def _handled_already(delivery: Delivery) -> bool:
    return InboxEntry.objects.filter(
        event_id=delivery.event_id, subscriber=delivery.subscriber
    ).exists()


def _settle_handled_copy(delivery: Delivery) -> Result:
    """A waiting copy of a delivery its subscriber has handled (the inbox row is there),
    whose event's secret was scrubbed meanwhile: settled done without a run, which could
    not decode the event and would have no effect anyway."""
    settled = Delivery.objects.filter(pk=delivery.pk, status__in=WAITING).update(
        status=Delivery.Status.DONE, settled_at=timezone.now(), run_token=None, last_error=""
    )
    return Result(Outcome.DUPLICATE) if settled else _copy_outcome(delivery.pk)


def _dead_letter_waiting(delivery: Delivery, error: str) -> Result:
    dead = Delivery.objects.filter(pk=delivery.pk, status__in=WAITING).update(
        status=Delivery.Status.DEAD, settled_at=timezone.now(), last_error=error
    )
    if not dead:
        return _copy_outcome(delivery.pk)
    logger.error("delivery_dead_lettered", delivery_id=delivery.pk, error=error)
    return Result(Outcome.DEAD)


@shared_task(bind=True, name="shared_kernel.messaging.deliver", max_retries=None, acks_late=True)
def deliver(self: Task, delivery_id: int) -> str:
    """An asynchronous subscriber's run, on its context's queue; Celery carries the retries.

    Run eagerly (fast tests), the retries follow at once, in this call: an eager
    `Task.retry` would escape to the caller when eager tasks propagate their errors.
    """
    result = consume(delivery_id)
    while result.retry_in is not None and self.request.is_eager:
        result = consume(delivery_id)
    if result.retry_in is not None:
        raise self.retry(countdown=result.retry_in)
    return result.outcome.value
