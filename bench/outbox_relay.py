"""Relay throughput on PostgreSQL + Redis, each figure beside its plain-Celery baseline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/emporium_bench \
    REDIS_URL=redis://127.0.0.1:6379/4 CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \
    .venv/bin/python bench/outbox_relay.py [--deliveries 5000] [--rounds 3] [--concurrency 4]

Four figures, from one run, each the best of `--rounds`, the two of a pair alternated (the
machine is shared):
1. plain `apply_async` of the delivery task, in a loop (the baseline of 2);
2. the relay's handover: claim (SELECT … FOR UPDATE SKIP LOCKED, in batches) + `apply_async`;
   target: >= 0.8x figure 1;
3. a plain Celery task (`tests/messaging_testapp/tasks.py`) doing the subscriber's one INSERT,
   sent with `apply_async` in a loop and run by a real worker: from the first send until every
   row exists (the baseline of 4);
4. end to end: handed over and handled by the same worker (the subscriber writes the same one
   row), from the sweep until every delivery is done; target: >= 0.5x figure 3.
3 and 4 use one worker (`--concurrency` prefork processes) on one queue, started once after
1 and 2 are measured, and waited for with a few warm-up tasks before their clocks start.
It creates the tables it needs (`migrate --run-syncdb`) in the database it is given, which
should be one of its own. Never run as a test.
"""

import argparse
import os
import sys
import time
import uuid
from pathlib import Path
from unittest.mock import patch

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.messaging_testapp.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # a log line per message would be the benchmark
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from shared_kernel.messaging import bus, relay  # noqa: E402
from shared_kernel.messaging.consumer import deliver  # noqa: E402
from shared_kernel.messaging.models import Delivery, InboxEntry, OutboxEvent  # noqa: E402
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork  # noqa: E402
from tests.messaging_testapp.events import WorkerProbed  # noqa: E402
from tests.messaging_testapp.handlers import WORKER_SUBSCRIBER, record_worker_probe  # noqa: E402
from tests.messaging_testapp.models import Effect  # noqa: E402
from tests.messaging_testapp.tasks import record_plain_probe  # noqa: E402
from tests.shared_kernel.messaging.workers import Worker, start_worker  # noqa: E402
from tests.support.processes import wait_until  # noqa: E402


def main() -> None:
    options = _arguments()
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis).")
    call_command("migrate", run_syncdb=True, verbosity=0)
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    bus.unsubscribe(WORKER_SUBSCRIBER)
    bus.subscribe(WorkerProbed, record_worker_probe, name=WORKER_SUBSCRIBER, queue=queue)
    try:
        _run(options.deliveries, options.concurrency, queue, options.rounds)
    finally:
        _forget(queue)


def _run(count: int, concurrency: int, queue: str, rounds: int) -> None:
    plain = handover = 0.0
    for _ in range(rounds):  # alternated, best of each: the machine is shared
        _empty_tables()
        plain = max(plain, _rate(count, lambda: _plain_apply_async(count, queue)))
        _forget(queue)
        _publish_pending(count)
        handover = max(handover, _rate(count, relay.sweep))
        _forget(queue)
    handled, task = _end_to_end(count, concurrency, queue, rounds)
    print(f"deliveries: {count}, rounds: {rounds}, worker concurrency: {concurrency}")
    print(f"plain apply_async:               {plain:8.0f} messages/s")
    print(
        f"relay handover (claim + send):   {handover:8.0f} deliveries/s  ({handover / plain:.2f}x)"
    )
    print(f"plain task, worker handled:      {task:8.0f} messages/s")
    print(f"relay handover + worker handled: {handled:8.0f} deliveries/s  ({handled / task:.2f}x)")


def _plain_apply_async(count: int, queue: str) -> int:
    for n in range(count):
        deliver.apply_async((n,), queue=queue)
    return count


def _publish_pending(count: int) -> None:
    """Write `count` deliveries without the after-commit dispatch, as a crash would leave them."""
    with patch.object(relay, "dispatch", lambda ids: 0), DjangoUnitOfWork() as uow:
        for _ in range(count):
            probe_id = uuid.uuid4()
            event = WorkerProbed(probe_id=probe_id, run="bench")
            uow.publish(event, aggregate_id=str(probe_id))


def _end_to_end(count: int, concurrency: int, queue: str, rounds: int) -> tuple[float, float]:
    """The outbox's end to end and the plain task's, alternated on one worker: best of each."""
    env = {"MESSAGING_TESTAPP_QUEUE": queue, "DATABASE_URL": os.environ["DATABASE_URL"]}
    worker = start_worker(queue, env, Path("/tmp") / f"{queue}.log", concurrency=concurrency)
    measures = {
        "outbox": lambda: _outbox_end_to_end(count, worker),
        "plain": lambda: _plain_task_end_to_end(count, queue, worker),
    }
    best = dict.fromkeys(measures, 0.0)
    try:
        _warm_up(worker, concurrency, queue)
        for round_ in range(rounds):
            order = ("outbox", "plain") if round_ % 2 == 0 else ("plain", "outbox")
            for name in order:  # neither always goes first
                best[name] = max(best[name], measures[name]())
    finally:
        worker.stop()
    return best["outbox"], best["plain"]


def _warm_up(worker: Worker, concurrency: int, queue: str) -> None:
    """Start no clock before the worker runs tasks: a few plain ones, waited for."""
    _empty_tables()
    for _ in range(concurrency):
        record_plain_probe.apply_async((str(uuid.uuid4()), "warm-up"), queue=queue)
    if not wait_until(lambda: Effect.objects.count() >= concurrency, timeout=60, interval=0.05):
        sys.exit(f"The worker ran no task within a minute; see {worker.log}.")


def _outbox_end_to_end(count: int, worker: Worker) -> float:
    _empty_tables()
    _publish_pending(count)
    started = time.perf_counter()
    relay.sweep()
    done = wait_until(
        lambda: not Delivery.objects.exclude(status="done").exists(), timeout=600, interval=0.05
    )
    elapsed = time.perf_counter() - started
    if not done or Effect.objects.count() != count:
        sys.exit(
            f"Not every delivery was handled once: {Effect.objects.count()} of {count}; "
            f"see {worker.log}."
        )
    return count / elapsed


def _plain_task_end_to_end(count: int, queue: str, worker: Worker) -> float:
    _empty_tables()
    event_ids = [str(uuid.uuid4()) for _ in range(count)]  # made before the clock, as above
    started = time.perf_counter()
    for event_id in event_ids:
        record_plain_probe.apply_async((event_id, "bench"), queue=queue)
    done = wait_until(lambda: Effect.objects.count() >= count, timeout=600, interval=0.05)
    elapsed = time.perf_counter() - started
    if not done or Effect.objects.count() != count:
        sys.exit(
            f"Not every plain task ran once: {Effect.objects.count()} of {count}; see {worker.log}."
        )
    return count / elapsed


def _rate(count: int, work: object) -> float:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    return count / (time.perf_counter() - started)


def _empty_tables() -> None:
    for model in (Delivery, OutboxEvent, InboxEntry, Effect):
        model.objects.all().delete()


def _forget(queue: str) -> None:
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    for key in broker.scan_iter(match=f"{queue}*"):
        broker.delete(key)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args()


if __name__ == "__main__":
    main()
