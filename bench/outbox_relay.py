"""Relay throughput on PostgreSQL + Redis, beside plain `apply_async` (target: >= 0.8x).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/emporium_bench \
    REDIS_URL=redis://127.0.0.1:6379/4 CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \
    .venv/bin/python bench/outbox_relay.py [--deliveries 5000] [--rounds 3] [--concurrency 4]

Three figures, from one run:
1. plain `apply_async` of the delivery task, in a loop (the baseline);
2. the relay's handover: claim (SELECT … FOR UPDATE SKIP LOCKED, in batches) + `apply_async`;
3. end to end: handed over and handled by a real worker (the subscriber writes one row).
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
from tests.shared_kernel.messaging.workers import start_worker  # noqa: E402
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
    _empty_tables()
    _publish_pending(count)
    handled = _end_to_end(count, concurrency, queue)
    print(f"deliveries: {count}, rounds: {rounds}, worker concurrency: {concurrency}")
    print(f"plain apply_async:               {plain:8.0f} messages/s")
    print(
        f"relay handover (claim + send):   {handover:8.0f} deliveries/s  ({handover / plain:.2f}x)"
    )
    print(f"relay handover + worker handled: {handled:8.0f} deliveries/s")


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


def _end_to_end(count: int, concurrency: int, queue: str) -> float:
    env = {"MESSAGING_TESTAPP_QUEUE": queue, "DATABASE_URL": os.environ["DATABASE_URL"]}
    worker = start_worker(queue, env, Path("/tmp") / f"{queue}.log", concurrency=concurrency)
    try:
        time.sleep(3)  # let the worker start before the clock does
        started = time.perf_counter()
        relay.sweep()
        done = wait_until(
            lambda: not Delivery.objects.exclude(status="done").exists(), timeout=600, interval=0.05
        )
        elapsed = time.perf_counter() - started
    finally:
        worker.stop()
    if not done or Effect.objects.count() != count:
        sys.exit(f"Not every delivery was handled once: {Effect.objects.count()} of {count}.")
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
