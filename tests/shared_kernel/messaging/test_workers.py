"""A real Celery worker on Redis runs async subscribers, and nothing is lost or doubled when
the worker is killed mid-batch, the broker loses every queued message, or the workers stay
stopped longer than every attempt's lease put together."""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
import redis
from django.conf import settings
from django.db.models import Count, Sum
from django.test import Client
from django.utils import timezone
from kombu import Connection
from pytest_django.fixtures import Settings

from contexts.identity.contracts import UserRegistered
from shared_kernel.messaging import relay
from shared_kernel.messaging.consumer import deliver
from shared_kernel.messaging.models import Delivery, OutboxEvent
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork
from tests.messaging_testapp.events import WorkerProbed
from tests.messaging_testapp.handlers import (
    POISON_RUN,
    REGISTRATION_SUBSCRIBER,
    WORKER_SUBSCRIBER,
    record_registration,
    record_worker_probe,
)
from tests.messaging_testapp.models import Effect
from tests.shared_kernel.messaging.workers import (
    Worker,
    forget_queue,
    start_beat,
    start_worker,
    this_tests_database_url,
)
from tests.support.processes import wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.xdist_group("celery-workers"),
    pytest.mark.django_db(transaction=True),
]

# Short clocks, so the tests see leases expire and handovers repeat: the worker's hard time
# limit stays under its lease, as the settings demand.
WORKER_CLOCKS = {
    "OUTBOX_LEASE_SECONDS": "3",
    "CELERY_TASK_TIME_LIMIT": "2",
    "CELERY_TASK_SOFT_TIME_LIMIT": "1",
    "OUTBOX_HANDOVER_TIMEOUT_SECONDS": "2",
    "OUTBOX_HANDOVER_BACKOFF_MAX_SECONDS": "4",
}
StartWorker = Callable[..., Worker]


@pytest.fixture
def queue(subscribe: Any, settings: Settings) -> Iterator[str]:
    """A queue no other test uses; the worker subscriber routed to it for this test."""
    name = f"t-bus-{uuid.uuid4().hex[:10]}"
    settings.OUTBOX_HANDOVER_TIMEOUT_SECONDS = 2
    settings.OUTBOX_HANDOVER_BACKOFF_MAX_SECONDS = 4
    settings.OUTBOX_MAX_ATTEMPTS = 10
    subscribe(WorkerProbed, record_worker_probe, name=WORKER_SUBSCRIBER, queue=name)
    subscribe(UserRegistered, record_registration, name=REGISTRATION_SUBSCRIBER, queue=name)
    yield name
    forget_queue(name)


@pytest.fixture
def start(transactional_db: None, queue: str, tmp_path: Path) -> Iterator[StartWorker]:
    """Start workers on the test's queue and database; every one is stopped afterwards."""
    started: list[Worker] = []

    def _start(
        handler_sleep: float = 0.0, also_consume: tuple[str, ...] = (), **extra_env: str
    ) -> Worker:
        env = {
            "DATABASE_URL": this_tests_database_url(),
            "MESSAGING_TESTAPP_QUEUE": queue,
            "MESSAGING_TESTAPP_HANDLER_SLEEP": str(handler_sleep),
            "MESSAGING_TESTAPP_CRASH_LOG": str(tmp_path / "crashes.log"),
            **WORKER_CLOCKS,
            "OUTBOX_MAX_ATTEMPTS": str(settings.OUTBOX_MAX_ATTEMPTS),
            "OUTBOX_RETRY_BACKOFF_SECONDS": "0.2",
            **extra_env,
        }
        log = tmp_path / f"worker-{len(started)}.log"
        worker = start_worker(queue, env, log, also_consume=also_consume)
        started.append(worker)
        return worker

    yield _start
    for worker in started:
        worker.stop()


def publish(count: int, run: str) -> None:
    with DjangoUnitOfWork() as uow:
        for _ in range(count):
            probe_id = uuid.uuid4()
            uow.publish(WorkerProbed(probe_id=probe_id, run=run), aggregate_id=str(probe_id))


def effects_of(run: str) -> int:
    return Effect.objects.filter(value=run).count()


def all_done() -> bool:
    return not Delivery.objects.exclude(status=Delivery.Status.DONE).exists()


def assert_each_handled_once(run: str, count: int) -> None:
    per_event = Effect.objects.filter(value=run).values("event_id").annotate(n=Count("pk"))
    assert len(per_event) == count
    assert {row["n"] for row in per_event} == {1}
    assert Delivery.objects.filter(status=Delivery.Status.DONE).count() == count


def test_a_worker_process_runs_an_async_subscriber(
    effects: type[Effect], start: StartWorker
) -> None:
    start()

    publish(3, run="plain")

    assert wait_until(lambda: effects_of("plain") == 3 and all_done(), timeout=30)
    assert_each_handled_once("plain", 3)


def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(
    effects: type[Effect], start: StartWorker
) -> None:
    worker = start(handler_sleep=0.01)
    publish(500, run="killed")
    assert wait_until(lambda: effects_of("killed") >= 100, timeout=30)

    worker.kill()
    halfway = effects_of("killed")
    start(handler_sleep=0.01)

    assert wait_until(all_done, timeout=45, interval=0.5, meanwhile=relay.sweep)
    assert halfway < 500
    assert_each_handled_once("killed", 500)


def test_a_subscriber_that_kills_its_worker_is_dead_lettered_not_looped(
    effects: type[Effect], start: StartWorker, settings: Settings, tmp_path: Path
) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 2
    worker = start()
    publish(1, run=POISON_RUN)

    dead = lambda: Delivery.objects.filter(status=Delivery.Status.DEAD).exists()  # noqa: E731
    assert wait_until(dead, timeout=40, interval=0.5, meanwhile=relay.sweep)
    publish(2, run="after-poison")
    assert wait_until(lambda: effects_of("after-poison") == 2, timeout=30)

    crashes = (tmp_path / "crashes.log").read_text().splitlines()
    assert len(crashes) == 2, "one run per attempt: the broker must not requeue it on its own"
    assert worker.process.poll() is None, "the worker replaced its dead child and went on"
    assert "lost its lease" in Delivery.objects.get(status=Delivery.Status.DEAD).last_error


def test_messages_the_broker_lost_are_handed_over_again(
    effects: type[Effect], start: StartWorker, queue: str
) -> None:
    publish(50, run="lost")
    forget_queue(queue)  # Redis keeps nothing on disk here: a restart loses the queue

    start()

    assert wait_until(all_done, timeout=45, interval=0.5, meanwhile=relay.sweep)
    assert_each_handled_once("lost", 50)
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def test_workers_stopped_longer_than_every_lease_put_together_lose_and_double_nothing(
    effects: type[Effect], start: StartWorker, settings: Settings
) -> None:
    """3 attempts x 3 s leases: 20 s of sweeping with no worker once dead-lettered them all."""
    settings.OUTBOX_MAX_ATTEMPTS = 3
    publish(30, run="outage")  # handed over after commit; no worker takes them

    wait_until(lambda: False, timeout=20, interval=0.5, meanwhile=relay.sweep)
    queued_copies = Delivery.objects.aggregate(total=Sum("handovers"))["total"]
    start()

    assert wait_until(all_done, timeout=45, interval=0.5, meanwhile=relay.sweep)
    assert queued_copies > 30 * 3, "the relay handed each delivery over again and again"
    assert_each_handled_once("outage", 30)
    assert set(Delivery.objects.values_list("attempts", "failures")) == {(1, 0)}


def test_a_real_beat_relays_what_dispatch_missed_and_prunes_on_schedule(
    effects: type[Effect], start: StartWorker, tmp_path: Path
) -> None:
    """Rows relayed and pruned by beat's own schedule, through a worker on the outbox queue."""
    broker = _private_broker()  # beat's outbox tasks reach this test's worker alone
    with patch.object(relay, "dispatch", lambda ids: 0):  # committed, never handed over
        publish(5, run="beat")
    expired = _settled_long_ago()
    clocks = {
        "CELERY_BROKER_URL": broker,
        "OUTBOX_RELAY_INTERVAL_SECONDS": "1",
        "OUTBOX_PRUNE_INTERVAL_SECONDS": "2",
        "EMPORIUM_LOCAL_DIR": str(tmp_path / "local"),
    }
    start(also_consume=("outbox",), **clocks)
    beat = start_beat({"DATABASE_URL": this_tests_database_url(), **clocks}, tmp_path / "beat.log")
    try:
        pruned = lambda: not OutboxEvent.objects.filter(pk=expired).exists()  # noqa: E731
        assert wait_until(lambda: effects_of("beat") == 5 and all_done() and pruned(), timeout=45)
    finally:
        beat.stop()
        redis.Redis.from_url(broker).flushdb()

    assert_each_handled_once("beat", 5)
    assert "Scheduler: Sending due task outbox-prune" in beat.log.read_text()


def test_a_request_succeeds_with_the_broker_down_and_its_event_is_applied_once_it_is_back(
    effects: type[Effect],
    start: StartWorker,
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
) -> None:
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": None}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    monkeypatch.setattr(deliver.app, "producer_or_acquire", _unreachable_broker)
    response = client.post(
        "/api/v1/auth/register",
        {"email": "ada@example.com", "password": "correct horse battery", "full_name": "Ada"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    waiting = Delivery.objects.get(subscriber=REGISTRATION_SUBSCRIBER)
    monkeypatch.undo()  # the broker is back
    start()

    assert wait_until(
        lambda: effects_of("ada@example.com") == 1, timeout=30, interval=0.5, meanwhile=relay.sweep
    )
    assert (waiting.status, waiting.attempts, waiting.handovers) == ("pending", 0, 0)
    assert Delivery.objects.values_list("status", "attempts").get(pk=waiting.pk) == ("done", 1)


@contextmanager
def _unreachable_broker(producer: Any = None) -> Iterator[Any]:
    """A producer on a port where no broker listens: every publish is refused."""
    with Connection("redis://127.0.0.1:1/0", connect_timeout=1) as dead, dead.Producer() as p:
        yield p


def _private_broker() -> str:
    url = settings.CELERY_BROKER_URL
    return url.rsplit("/", 1)[0] + "/15"


def _settled_long_ago() -> uuid.UUID:
    """An event whose one delivery was done past the retention period: prune's to delete."""
    with patch.object(relay, "dispatch", lambda ids: 0):
        publish(1, run="expired")
    old = timezone.now() - timedelta(days=settings.OUTBOX_RETENTION_DAYS + 1)
    event = OutboxEvent.objects.get(payload__run="expired")
    OutboxEvent.objects.filter(pk=event.pk).update(occurred_at=old)
    Delivery.objects.filter(event=event).update(status=Delivery.Status.DONE, settled_at=old)
    return event.pk
