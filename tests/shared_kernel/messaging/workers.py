"""Real Celery worker processes for the bus's tests, started and stopped by the test.

Started, stopped and killed through `tests/support/processes.py`, each in its own
process group, so a signal reaches exactly the processes the test started.
"""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

from tests.support.processes import kill_group, start_in_own_group, stop_group

PROJECT_DIR = Path(settings.BASE_DIR)
TEST_SETTINGS = "tests.messaging_testapp.settings"


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        kill_group(self.process)

    def stop(self) -> None:
        stop_group(self.process, grace=10)


def this_tests_database_url() -> str:
    """The database this test uses (pytest-django's test database), as a DATABASE_URL."""
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(
    queue: str,
    env: dict[str, str],
    log: Path,
    *,
    concurrency: int = 4,
    also_consume: tuple[str, ...] = (),
) -> Worker:
    queues = ",".join((queue, *also_consume))
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "-Q", queues, "-n", f"{queue}@%h", "-c", str(concurrency), "-P", "prefork",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING",
    ]  # fmt: skip
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": TEST_SETTINGS, **env}
    process = start_in_own_group(command, cwd=PROJECT_DIR, env=full_env, log=log)
    return Worker(process=process, log=log)


def start_beat(env: dict[str, str], log: Path) -> Worker:
    """`celery beat` with the test settings: the product's schedule, the test's clocks."""
    command = [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "INFO"]
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": TEST_SETTINGS, **env}
    process = start_in_own_group(command, cwd=PROJECT_DIR, env=full_env, log=log)
    return Worker(process=process, log=log)


def forget_queue(queue: str) -> None:
    """Delete the queue's messages, and those a killed worker left unacknowledged."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    for key in broker.scan_iter(match=f"{queue}*"):
        broker.delete(key)
    for tag, raw in broker.hgetall("unacked").items():
        _message, _exchange, routing_key = json.loads(raw)
        if routing_key == queue:
            broker.hdel("unacked", tag)
            broker.zrem("unacked_index", tag)
