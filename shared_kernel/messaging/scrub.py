"""Secrets leave the outbox once no delivery can need them (ARCHITECTURE.md §3, ADR 0016).

An event's sealed secret (a reset token) is kept only while a delivery may still run: once
every delivery of the event is **done** or **skipped**, the secret is replaced by a
`{"$scrubbed": …}` marker. A **dead** delivery keeps it: an operator may replay it, and the
replay needs the secret; it goes when that delivery is replayed and done, or skipped, or
when the event is pruned. An event published with no subscriber at all is scrubbed as it is
written (`outbox.store`): no delivery will ever read it.

The delivery that settles last scrubs, in its settling transaction. Two deliveries of one
event settling at once in two workers each lock the event row (`SELECT … FOR UPDATE`)
before they look at its deliveries, so the second waits for the first to commit and then,
in a fresh snapshot (READ COMMITTED), sees it settled: one of them always scrubs. SQLite
serializes writing transactions (IMMEDIATE), with the same result.
"""

from collections.abc import Iterable
from uuid import UUID

import structlog
from django.db import transaction
from django.utils import timezone

from shared_kernel.domain.events import IntegrationEvent, UnknownEvent, integration_event_class
from shared_kernel.messaging.models import Delivery, OutboxEvent
from shared_kernel.messaging.serialization import scrubbed_payload

logger = structlog.get_logger(__name__)

# A delivery in one of these states will not run again unless an operator replays it; a
# dead one is left out on purpose: replaying it is what dead letters are kept for.
FOR_GOOD = (Delivery.Status.DONE, Delivery.Status.SKIPPED)


def scrub_settled(event_ids: Iterable[UUID]) -> int:
    """Erase the secrets of those events whose every delivery is done or skipped; how many.

    Call it in the transaction that settled their deliveries, after the settling UPDATE.
    """
    scrubbed = 0
    with transaction.atomic():
        for event_id in sorted(set(event_ids)):  # one lock order for every caller
            scrubbed += _scrub_if_settled(event_id)
    return scrubbed


def _scrub_if_settled(event_id: UUID) -> int:
    row = (
        OutboxEvent.objects.select_for_update()
        .filter(pk=event_id)
        .only("id", "event_type", "version", "payload")
        .first()
    )
    if row is None:
        return 0
    if Delivery.objects.filter(event_id=event_id).exclude(status__in=FOR_GOOD).exists():
        return 0
    payload = scrubbed_payload(_event_class(row), row.payload, at=timezone.now())
    if payload is None:
        return 0
    OutboxEvent.objects.filter(pk=event_id).update(payload=payload)
    logger.info("event_secrets_scrubbed", event_id=str(event_id), event_type=row.event_type)
    return 1


def _event_class(row: OutboxEvent) -> type[IntegrationEvent] | None:
    try:
        return integration_event_class(row.event_type, row.version)
    except UnknownEvent:
        return None
