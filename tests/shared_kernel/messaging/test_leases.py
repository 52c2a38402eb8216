"""Runs hold leases: two runs of one delivery, or a run that outlived its lease, never apply
an event twice nor overwrite what another run, the relay or an operator settled.

The races run on PostgreSQL with two connections (threads): the subscriber of the first
run waits, mid-transaction, while the test changes the delivery from another connection.
"""

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from prometheus_client import REGISTRY, generate_latest
from pytest_django.fixtures import Settings

from shared_kernel.messaging import consumer, operations, relay
from shared_kernel.messaging.consumer import Outcome, Result
from shared_kernel.messaging.envelope import Envelope, is_newer
from shared_kernel.messaging.models import Delivery, InboxEntry
from shared_kernel.messaging.monitoring import outbox_check
from shared_kernel.messaging.testing import deliver_pending, eager_delivery
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork
from tests.messaging_testapp.events import ProbeHappened
from tests.messaging_testapp.models import Effect
from tests.support.processes import wait_until


class Gate:
    """Holds the first run inside its subscriber until the test opens it."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.runs = 0

    def handler(self, event: ProbeHappened, envelope: Envelope) -> None:
        self.runs += 1
        if self.runs == 1:
            self.entered.set()
            assert self.opened.wait(timeout=30), "the test never opened the gate"
        Effect.objects.create(event_id=envelope.event_id, subscriber="t.gated")


@pytest.fixture
def gate(subscribe: Any, effects: type[Effect]) -> Gate:
    gate = Gate()
    subscribe(ProbeHappened, gate.handler, name="t.gated")
    return gate


@pytest.fixture
def delivery_id(gate: Gate) -> int:
    with DjangoUnitOfWork() as uow:
        uow.publish(ProbeHappened(probe_id=uuid.uuid4()), aggregate_id="a")
    return Delivery.objects.get().pk


@pytest.fixture
def first_run(delivery_id: int, gate: Gate) -> Iterator[Callable[[], Result]]:
    """Start the delivery's first run in a thread; the fixture returns its result's getter."""
    pool = ThreadPoolExecutor(max_workers=1)
    running = pool.submit(_on_own_connection, consumer.consume, delivery_id)
    assert gate.entered.wait(timeout=10)
    yield lambda: running.result(timeout=30)
    gate.opened.set()
    pool.shutdown(wait=True)


def _on_own_connection(work: Callable[..., Result], *args: Any) -> Result:
    try:
        return work(*args)
    finally:
        connection.close()


def delivery(pk: int) -> tuple[str, int, int]:
    return Delivery.objects.values_list("status", "attempts", "failures").get(pk=pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_of_one_delivery_at_once_apply_it_once(
    delivery_id: int, gate: Gate, first_run: Callable[[], Result]
) -> None:
    second = consumer.consume(delivery_id)  # the broker redelivered while the first runs
    gate.opened.set()

    assert second.outcome is Outcome.DUPLICATE
    assert first_run().outcome is Outcome.DONE
    assert delivery(delivery_id) == ("done", 1, 0)
    assert Effect.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_run_finishing_after_its_delivery_was_skipped_changes_nothing(
    delivery_id: int, gate: Gate, first_run: Callable[[], Result]
) -> None:
    assert operations.skip(operations.deliveries_by_id([delivery_id])) == 1
    gate.opened.set()

    assert first_run().outcome is Outcome.LEASE_LOST
    assert delivery(delivery_id) == ("skipped", 1, 0)
    assert Effect.objects.count() == 0
    assert InboxEntry.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_run_finishing_after_the_relay_dead_lettered_it_changes_nothing(
    delivery_id: int, gate: Gate, settings: Settings
) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 1
    settings.OUTBOX_LEASE_SECONDS = 0  # the lease runs out at once: as if it ran too long
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(_on_own_connection, consumer.consume, delivery_id)
        assert gate.entered.wait(timeout=10)
        relay.sweep()
        reclaimed = delivery(delivery_id)
        gate.opened.set()
        late = running.result(timeout=30)

    assert reclaimed == ("dead", 1, 1)
    assert late.outcome is Outcome.LEASE_LOST
    assert delivery(delivery_id) == ("dead", 1, 1)
    assert Effect.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_run_that_lost_its_lease_to_a_second_run_gives_way_and_one_effect_remains(
    delivery_id: int, gate: Gate, settings: Settings
) -> None:
    """Before leases, the first run's settle turned the row back to what it had seen."""
    settings.OUTBOX_RETRY_BACKOFF_SECONDS = 0
    settings.OUTBOX_LEASE_SECONDS = 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(_on_own_connection, consumer.consume, delivery_id)
        assert gate.entered.wait(timeout=10)
        relay.sweep()  # the lease ran out: a failed attempt, due again at once
        settings.OUTBOX_LEASE_SECONDS = 60
        second = pool.submit(_on_own_connection, _hand_over_and_run)
        assert wait_until(_a_connection_waits_on_a_lock, timeout=10), "inbox row not contended"
        gate.opened.set()
        results = first.result(timeout=30), second.result(timeout=30)

    assert [r.outcome for r in results] == [Outcome.LEASE_LOST, Outcome.DONE]
    assert delivery(delivery_id) == ("done", 2, 1)
    assert Effect.objects.count() == 1
    assert InboxEntry.objects.count() == 1


def _hand_over_and_run() -> Result:
    (claim,) = relay.claim(limit=1)
    return consumer.consume(claim.delivery_id)


def _a_connection_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        (waiting,) = cursor.fetchone()
    return bool(waiting)


@pytest.mark.django_db
def test_replay_brings_back_dead_and_skipped_deliveries_never_a_running_one(
    subscribe: Any, effects: type[Effect]
) -> None:
    subscribe(ProbeHappened, lambda event: None, name="t.replayed")
    with DjangoUnitOfWork() as uow:
        for _ in range(3):
            uow.publish(ProbeHappened(probe_id=uuid.uuid4()), aggregate_id="a")
    dead, skipped, running = Delivery.objects.order_by("pk")
    Delivery.objects.filter(pk=dead.pk).update(status=Delivery.Status.DEAD, attempts=5)
    Delivery.objects.filter(pk=skipped.pk).update(status=Delivery.Status.SKIPPED, attempts=0)
    Delivery.objects.filter(pk=running.pk).update(
        status=Delivery.Status.RUNNING, attempts=1, run_token=uuid.uuid4()
    )

    replayed = operations.replay(Delivery.objects.all())
    states = dict(Delivery.objects.values_list("pk", "status"))
    deliver_pending()

    assert replayed == 2
    assert states == {dead.pk: "pending", skipped.pk: "pending", running.pk: "running"}
    assert Delivery.objects.get(pk=running.pk).attempts == 1
    assert set(Delivery.objects.exclude(pk=running.pk).values_list("status", "attempts")) == {
        ("done", 1)
    }


@pytest.mark.django_db
def test_a_read_model_using_is_newer_ignores_an_older_event_delivered_after_a_newer_one(
    subscribe: Any, effects: type[Effect]
) -> None:
    def project(event: ProbeHappened, envelope: Envelope) -> None:
        held = Effect.objects.filter(subscriber="t.projection").first()
        if held is None or is_newer(envelope.sequence, than=int(held.value)):
            Effect.objects.update_or_create(
                subscriber="t.projection",
                defaults={"event_id": envelope.event_id, "value": str(envelope.sequence)},
            )

    subscribe(ProbeHappened, project, name="t.projection")
    probe_id = uuid.uuid4()
    with DjangoUnitOfWork() as uow:
        for sequence, note in ((1, "older"), (2, "newer")):
            uow.publish(
                ProbeHappened(probe_id=probe_id, note=note), aggregate_id="p", sequence=sequence
            )
    older, newer = Delivery.objects.order_by("event__sequence")

    with eager_delivery():
        results = [consumer.consume(newer.pk), consumer.consume(older.pk)]

    assert [r.outcome for r in results] == [Outcome.DONE, Outcome.DONE]
    projection = Effect.objects.get(subscriber="t.projection")
    assert projection.value == "2"
    assert projection.event_id == newer.event_id


@pytest.mark.django_db
def test_readiness_watches_deliveries_waiting_to_start_not_long_runs(
    subscribe: Any, settings: Settings
) -> None:
    subscribe(ProbeHappened, lambda event: None, name="t.long")
    settings.OUTBOX_LAG_THRESHOLD_SECONDS = 60
    with DjangoUnitOfWork() as uow:
        uow.publish(ProbeHappened(probe_id=uuid.uuid4()), aggregate_id="a")
    long_ago = timezone.now() - timedelta(minutes=5)
    Delivery.objects.update(
        status=Delivery.Status.RUNNING, created_at=long_ago, started_at=long_ago
    )

    running_long = outbox_check()
    Delivery.objects.update(status=Delivery.Status.HANDED_OVER)
    waiting_long = outbox_check()
    text = generate_latest(REGISTRY).decode()

    assert running_long.ok is True
    assert float(str(running_long.detail["oldest_running_age_seconds"])) >= 300
    assert waiting_long.ok is False
    assert waiting_long.detail["waiting"] == 1
    assert "emporium_outbox_lag_seconds 3" in text
