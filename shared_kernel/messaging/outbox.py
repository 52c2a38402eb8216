"""Writing published events to the outbox, in the publisher's transaction.

The correlation id is the request's (`request_id`, bound by django-structlog per request
and inside Celery tasks) or, inside a subscriber, the correlation id of the event being
handled, whose id becomes the causation id. An event published outside both starts its own
chain: its correlation id is its own id.
"""

from dataclasses import dataclass
from functools import partial

import structlog
from django.db import transaction
from django.utils import timezone

from shared_kernel.domain.events import IntegrationEvent, publisher_of
from shared_kernel.domain.ids import new_event_id
from shared_kernel.messaging import bus, relay
from shared_kernel.messaging.models import Delivery, OutboxEvent
from shared_kernel.messaging.serialization import encode_event, scrubbed_payload

logger = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class StagedEvent:
    """An event published in an open unit of work, waiting for the commit."""

    row: OutboxEvent
    event_class: type[IntegrationEvent]


def stage(event: IntegrationEvent, *, aggregate_id: str, sequence: int) -> StagedEvent:
    """Encode the event now, so an event the bus cannot carry fails the use case, not later."""
    event_id = new_event_id()
    correlation_id, causation_id = _chain(str(event_id))
    row = OutboxEvent(
        id=event_id,
        event_type=event.event_type,
        version=event.version,
        publisher=publisher_of(type(event)),
        occurred_at=timezone.now(),
        aggregate_id=aggregate_id,
        sequence=sequence,
        correlation_id=correlation_id,
        causation_id=causation_id,
        payload=encode_event(event),
    )
    return StagedEvent(row=row, event_class=type(event))


def store(staged: list[StagedEvent]) -> None:
    """Write the events and their deliveries; hand the deliveries over after commit.

    An event no one subscribes to is written with its secrets already scrubbed: no delivery
    will ever open them (ADR 0016).
    """
    if not staged:
        return
    for item in staged:
        if not bus.subscriptions_to(item.event_class):
            unread = scrubbed_payload(item.event_class, item.row.payload, at=item.row.occurred_at)
            item.row.payload = item.row.payload if unread is None else unread
    OutboxEvent.objects.bulk_create([item.row for item in staged])
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(
                event=item.row,
                subscriber=subscription.name,
                mode=subscription.mode,
                queue=subscription.queue,
            )
            for item in staged
            for subscription in bus.subscriptions_to(item.event_class)
        ]
    )
    for item in staged:
        logger.info(
            "event_published",
            event_type=item.row.event_type,
            event_id=str(item.row.id),
            aggregate_id=item.row.aggregate_id,
        )
    if deliveries:
        ids = [delivery.pk for delivery in deliveries]
        transaction.on_commit(partial(relay.dispatch, ids), robust=True)


def _chain(event_id: str) -> tuple[str, str]:
    handled = bus.event_being_handled()
    if handled is not None:
        return handled.correlation_id, str(handled.event_id)
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    return (str(request_id) if request_id else event_id), ""
