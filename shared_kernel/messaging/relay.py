"""The relay: hands deliveries over to their subscribers, and reclaims runs that died.

Two doors, one mechanism:
- `dispatch`, right after the publishing transaction commits, for the deliveries it wrote;
- `sweep`, from beat and `manage.py outbox relay`, for whatever is due: missed after a crash
  between commit and dispatch, sent to a broker that was down or that lost the message,
  queued behind a backlog past its handover timeout, waiting out a retry's backoff, or
  running under a lease that ran out (a worker killed mid-task, a hard time limit).

Handing over is not an attempt (ARCHITECTURE.md §3, "Retries, one owner"): a worker counts
an attempt when it starts the subscriber and takes the delivery's lease (`consumer`). A
delivery no worker has started is handed over again on a capped exponential backoff, as
often as it takes, and never dead-lettered: a backlog or stopped workers cost time, never
an event. A copy in a queue is harmless: the delivery's state and the inbox guard it.

Both doors claim rows with `SELECT … FOR UPDATE SKIP LOCKED` and mark them handed over
before anything is sent, so several relays never hand one delivery over at once. SQLite
ignores SKIP LOCKED; its `IMMEDIATE` transactions serialize relays instead. Async
deliveries become Celery tasks on their queue; in-process ones run here, after the claim
has committed.
"""

import uuid
from collections import defaultdict
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
from shared_kernel.messaging.retries import handover_delay, retry_delay

logger = structlog.get_logger(__name__)

WAITING = (Delivery.Status.PENDING, Delivery.Status.HANDED_OVER)
UNSETTLED = (*WAITING, Delivery.Status.RUNNING)
_LEASE_EXPIRED = (
    "Run {attempt} lost its lease after {lease} s and never settled "
    "(its worker was killed, or it ran past its time limit)."
)


@dataclass(frozen=True, slots=True)
class Claim:
    delivery_id: int
    mode: str
    queue: str
    handed_over_at: datetime  # this handover's mark: a release puts back only its own


@dataclass(frozen=True, slots=True)
class Batch:
    claims: list[Claim]
    examined: int  # due rows locked, the expired runs included


@dataclass(frozen=True, slots=True)
class _Due:
    pk: int
    status: str
    mode: str
    queue: str
    handovers: int
    attempts: int
    run_token: uuid.UUID | None


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
    """Lock due deliveries no other relay holds, and mark them handed over."""
    return claim_batch(limit=limit, ids=ids).claims


def claim_batch(*, limit: int, ids: Iterable[int] | None = None) -> Batch:
    """`claim`, also reclaiming expired runs and telling how many due rows it locked."""
    now = timezone.now()
    with transaction.atomic():
        due = Delivery.objects.select_for_update(skip_locked=True).filter(
            status__in=UNSETTLED, available_at__lte=now
        )
        if ids is not None:
            due = due.filter(pk__in=list(ids))
        fields = ("pk", "status", "mode", "queue", "handovers", "attempts", "run_token")
        rows = [_Due(*row) for row in due.order_by("pk").values_list(*fields)[:limit]]
        for expired in (row for row in rows if row.status == Delivery.Status.RUNNING):
            _reclaim(expired, now)
        waiting = [row for row in rows if row.status != Delivery.Status.RUNNING]
        _mark_handed_over(waiting, now)
    claims = [Claim(row.pk, row.mode, row.queue, now) for row in waiting]
    return Batch(claims=claims, examined=len(rows))


def hand_over(claims: list[Claim]) -> int:
    """Send async deliveries to their queues, run in-process ones; the count handed over."""
    unsent = _send_all([c for c in claims if c.mode == Delivery.Mode.ASYNC])
    if unsent:
        _release(unsent)
    for inline in (c for c in claims if c.mode == Delivery.Mode.INLINE):
        consumer.consume(inline.delivery_id)
    return len(claims) - len(unsent)


def _mark_handed_over(rows: list[_Due], now: datetime) -> None:
    """One UPDATE per backoff step (a fresh batch is one): the rows are locked by this claim."""
    by_handovers: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_handovers[row.handovers + 1].append(row.pk)
    for handovers, pks in by_handovers.items():
        Delivery.objects.filter(pk__in=pks, status__in=WAITING).update(
            status=Delivery.Status.HANDED_OVER,
            handovers=handovers,
            handed_over_at=now,
            available_at=now + timedelta(seconds=handover_delay(handovers)),
        )


def _reclaim(row: _Due, now: datetime) -> None:
    """A run whose lease ran out failed: back off and retry, or dead-letter the last one."""
    error = _LEASE_EXPIRED.format(attempt=row.attempts, lease=settings.OUTBOX_LEASE_SECONDS)
    run = Delivery.objects.filter(
        pk=row.pk, status=Delivery.Status.RUNNING, run_token=row.run_token
    )
    if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        run.update(
            status=Delivery.Status.DEAD,
            failures=F("failures") + 1,
            settled_at=now,
            run_token=None,
            last_error=error,
        )
        logger.error("delivery_dead_lettered", delivery_id=row.pk, error="lease expired")
        return
    run.update(
        status=Delivery.Status.PENDING,
        failures=F("failures") + 1,
        handovers=0,
        available_at=now + timedelta(seconds=retry_delay(row.attempts)),
        run_token=None,
        last_error=error,
    )
    logger.warning("delivery_lease_expired", delivery_id=row.pk, attempt=row.attempts)


def _send_all(claims: list[Claim]) -> list[Claim]:
    """Send each claim as a `deliver` task, over one producer; the claims that were not sent.

    The first failure ends the batch: with the broker down, every further send would wait
    out its own timeout (inside a web request, for the after-commit dispatch).
    """
    if not claims:
        return []
    try:
        with consumer.deliver.app.producer_or_acquire() as producer:
            for sent, claim in enumerate(claims):
                if not _send(claim, producer):
                    return claims[sent:]
    except Exception as error:  # no connection to the broker at all
        logger.warning("broker_unreachable", deliveries=len(claims), error=repr(error))
        return claims
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


def _release(claims: list[Claim]) -> None:
    """Put unsent deliveries back for the next sweep: a broker outage is not a handover.

    Only a row still handed over by this very claim goes back: a send can raise after its
    message left, and a worker may already have started or settled that delivery.
    """
    retry_at = timezone.now() + timedelta(seconds=settings.OUTBOX_RELAY_INTERVAL_SECONDS)
    by_handover: dict[datetime, list[int]] = defaultdict(list)
    for claim in claims:
        by_handover[claim.handed_over_at].append(claim.delivery_id)
    for handed_over_at, pks in by_handover.items():
        Delivery.objects.filter(
            pk__in=pks, status=Delivery.Status.HANDED_OVER, handed_over_at=handed_over_at
        ).update(
            status=Delivery.Status.PENDING, handovers=F("handovers") - 1, available_at=retry_at
        )
