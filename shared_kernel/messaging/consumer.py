"""Running one delivery: decode the event, run its subscriber with the inbox, settle the row.

The same code runs an in-process subscriber (called by the relay) and an asynchronous one
(the `deliver` Celery task). The delivery row is the one owner of retries: it counts the
attempts and decides, on a failure, between a retry after a backoff and the dead letter.
An event this code cannot decode is dead-lettered at once: retrying cannot fix it.
"""

import enum
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from celery import Task, shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shared_kernel.domain.events import IntegrationEvent, UnknownEvent, integration_event_class
from shared_kernel.messaging import bus, inbox
from shared_kernel.messaging.envelope import Envelope
from shared_kernel.messaging.models import Delivery, OutboxEvent
from shared_kernel.messaging.retries import retry_delay
from shared_kernel.messaging.serialization import EventDecodeError, decode_event

logger = structlog.get_logger(__name__)

SETTLED = (Delivery.Status.DONE, Delivery.Status.SKIPPED, Delivery.Status.DEAD)


class Outcome(enum.StrEnum):
    DONE = "done"
    DUPLICATE = "duplicate"
    ALREADY_SETTLED = "already_settled"
    RETRY = "retry"
    DEAD = "dead"


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    retry_in: float | None = None


def consume(delivery_id: int) -> Result:
    """Run the delivery's subscriber once, with its inbox row, and settle the delivery."""
    delivery = Delivery.objects.select_related("event").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in SETTLED:
        return Result(Outcome.ALREADY_SETTLED)
    subscription = bus.subscription_named(delivery.subscriber)
    if subscription is None:
        return _dead_letter(delivery, f"No subscriber named {delivery.subscriber!r} here.")
    try:
        event, envelope = decoded(delivery.event)
    except (UnknownEvent, EventDecodeError) as error:
        return _dead_letter(delivery, str(error))
    with structlog.contextvars.bound_contextvars(
        event_id=str(envelope.event_id), subscriber=subscription.name
    ):
        try:
            return _run_once(delivery, subscription, event, envelope)
        except Exception as error:
            return _record_failure(delivery.pk, error)


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


def _run_once(
    delivery: Delivery,
    subscription: bus.Subscription,
    event: IntegrationEvent,
    envelope: Envelope,
) -> Result:
    with transaction.atomic():
        if not inbox.admit(envelope.event_id, subscription.name):
            _settle(delivery.pk, Delivery.Status.DONE)
            return Result(Outcome.DUPLICATE)
        with bus.handling(envelope):
            subscription.run(event, envelope)
        _settle(delivery.pk, Delivery.Status.DONE)
    return Result(Outcome.DONE)


def _settle(delivery_id: int, status: Delivery.Status, error: str = "") -> None:
    Delivery.objects.filter(pk=delivery_id).update(
        status=status, settled_at=timezone.now(), last_error=error
    )


def _dead_letter(delivery: Delivery, error: str) -> Result:
    _settle(delivery.pk, Delivery.Status.DEAD, error)
    logger.error("delivery_dead_lettered", delivery_id=delivery.pk, error=error)
    return Result(Outcome.DEAD)


def _record_failure(delivery_id: int, error: Exception) -> Result:
    """Count the failure; dead-letter after the last attempt, else schedule the next one.

    An async delivery is retried by Celery (the caller raises `Task.retry`), so the row is
    kept handed over, its visibility timeout pushed past the backoff; an in-process one goes
    back to pending, due after the backoff, for the relay to pick up.
    """
    now = timezone.now()
    description = "".join(traceback.format_exception(error, limit=5))
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.status in SETTLED:  # another run of it succeeded (or was skipped) meanwhile
            return Result(Outcome.ALREADY_SETTLED)
        delivery.failures += 1
        delivery.last_error = description
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
        delivery_id=delivery_id,
        attempt=delivery.attempts,
        outcome=result.outcome.value,
        error=repr(error),
    )
    return result


def _schedule_retry(delivery: Delivery, now: datetime, delay: float) -> None:
    if delivery.mode == Delivery.Mode.ASYNC:
        visibility = timedelta(seconds=settings.OUTBOX_VISIBILITY_TIMEOUT_SECONDS)
        delivery.attempts += 1
        delivery.status = Delivery.Status.HANDED_OVER
        delivery.handed_over_at = now
        delivery.available_at = now + timedelta(seconds=delay) + visibility
    else:
        delivery.status = Delivery.Status.PENDING
        delivery.available_at = now + timedelta(seconds=delay)


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
