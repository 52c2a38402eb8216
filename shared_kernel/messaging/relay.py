"""The relay: hands deliveries over to their subscribers.

Two doors, one mechanism:
- `dispatch`, right after the publishing transaction commits, for the deliveries it wrote;
- `sweep`, from beat and `manage.py outbox relay`, for whatever is due: missed after a crash
  between commit and dispatch, sent to a broker that was down or that lost the message,
  held by a worker killed mid-task (its visibility timeout ran out), or waiting out a
  backoff.

Both claim rows with `SELECT … FOR UPDATE SKIP LOCKED` and mark them handed over (one
more attempt, visible again after the visibility timeout) before anything is sent, so
several relays never hand one delivery over twice. SQLite ignores SKIP LOCKED; its
`IMMEDIATE` transactions serialize relays instead. Async deliveries become Celery tasks on
their queue; in-process ones run here, after the claim has committed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu import Producer

from shared_kernel.messaging import consumer
from shared_kernel.messaging.models import Delivery

logger = structlog.get_logger(__name__)

UNSETTLED = (Delivery.Status.PENDING, Delivery.Status.HANDED_OVER)
_GAVE_UP = "Handed over {attempts} times and never settled (visibility timeout)."


@dataclass(frozen=True, slots=True)
class Claim:
    delivery_id: int
    mode: str
    queue: str


@dataclass(frozen=True, slots=True)
class Batch:
    claims: list[Claim]
    examined: int  # due rows locked, the exhausted ones (now dead-lettered) included


def dispatch(delivery_ids: list[int]) -> int:
    """Hand over the deliveries a transaction has just committed (the on-commit fast path)."""
    handed = 0
    size = settings.OUTBOX_RELAY_BATCH_SIZE
    for start in range(0, len(delivery_ids), size):
        handed += hand_over(claim(limit=size, ids=delivery_ids[start : start + size]))
    return handed


def sweep(*, batch_size: int | None = None, max_batches: int = 100) -> int:
    """Hand over every delivery that is due, batch by batch; the count handed over."""
    size = batch_size or settings.OUTBOX_RELAY_BATCH_SIZE
    handed = 0
    for _ in range(max_batches):
        batch = claim_batch(limit=size)
        handed += hand_over(batch.claims)
        if batch.examined < size:
            break
    return handed


def claim(*, limit: int, ids: Iterable[int] | None = None) -> list[Claim]:
    """Lock due deliveries no other relay holds, and mark them handed over (an attempt)."""
    return claim_batch(limit=limit, ids=ids).claims


def claim_batch(*, limit: int, ids: Iterable[int] | None = None) -> Batch:
    """`claim`, also telling how many due rows the batch locked: a sweep goes on while full."""
    now = timezone.now()
    with transaction.atomic():
        due = Delivery.objects.select_for_update(skip_locked=True).filter(
            status__in=UNSETTLED, available_at__lte=now
        )
        if ids is not None:
            due = due.filter(pk__in=list(ids))
        rows = list(due.order_by("pk").values_list("pk", "attempts", "mode", "queue")[:limit])
        exhausted = [(pk, attempts) for pk, attempts, _, _ in rows if _is_exhausted(attempts)]
        claims = [
            Claim(pk, mode, queue)
            for pk, attempts, mode, queue in rows
            if not _is_exhausted(attempts)
        ]
        _give_up(exhausted, now)
        Delivery.objects.filter(pk__in=[c.delivery_id for c in claims]).update(
            status=Delivery.Status.HANDED_OVER,
            attempts=F("attempts") + 1,
            handed_over_at=now,
            available_at=now + timedelta(seconds=settings.OUTBOX_VISIBILITY_TIMEOUT_SECONDS),
        )
    return Batch(claims=claims, examined=len(rows))


def hand_over(claims: list[Claim]) -> int:
    """Send async deliveries to their queues, run in-process ones; the count handed over."""
    unsent = _send_all([c for c in claims if c.mode == Delivery.Mode.ASYNC])
    if unsent:
        _release(unsent)
    for inline in (c for c in claims if c.mode == Delivery.Mode.INLINE):
        consumer.consume(inline.delivery_id)
    return len(claims) - len(unsent)


def _is_exhausted(attempts: int) -> bool:
    return attempts >= settings.OUTBOX_MAX_ATTEMPTS


def _give_up(exhausted: list[tuple[int, int]], now: datetime) -> None:
    for pk, attempts in exhausted:
        Delivery.objects.filter(pk=pk).update(
            status=Delivery.Status.DEAD,
            settled_at=now,
            last_error=_GAVE_UP.format(attempts=attempts),
        )
        logger.error("delivery_dead_lettered", delivery_id=pk, error="visibility timeout")


def _send_all(claims: list[Claim]) -> list[int]:
    """Send each claim as a `deliver` task, over one producer; the ids that were not sent.

    The first failure ends the batch: with the broker down, every further send would wait
    out its own timeout (inside a web request, for the after-commit dispatch).
    """
    if not claims:
        return []
    try:
        with consumer.deliver.app.producer_or_acquire() as producer:
            for sent, claim in enumerate(claims):
                if not _send(claim, producer):
                    return [c.delivery_id for c in claims[sent:]]
    except Exception as error:  # no connection to the broker at all
        logger.warning("broker_unreachable", deliveries=len(claims), error=repr(error))
        return [c.delivery_id for c in claims]
    return []


def _send(claim: Claim, producer: Producer) -> bool:
    """One publish, no retry of Celery's own: the relay owns retries (the next sweep)."""
    try:
        consumer.deliver.apply_async(
            (claim.delivery_id,), queue=claim.queue, producer=producer, retry=False
        )
    except Exception as error:  # the broker is down: the delivery waits for the next sweep
        logger.warning("delivery_not_sent", delivery_id=claim.delivery_id, error=repr(error))
        return False
    return True


def _release(delivery_ids: list[int]) -> None:
    """Put unsent deliveries back: a broker outage is not the subscriber's attempt."""
    retry_at = timezone.now() + timedelta(seconds=settings.OUTBOX_RELAY_INTERVAL_SECONDS)
    Delivery.objects.filter(pk__in=delivery_ids).update(
        status=Delivery.Status.PENDING, attempts=F("attempts") - 1, available_at=retry_at
    )
