"""Real Celery worker processes for the bus's tests, started and stopped by the test.

Each worker runs in its own process group (prefork children included), so stopping or
killing it reaches exactly the processes this test started, by their group id.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

PROJECT_DIR = Path(settings.BASE_DIR)
TEST_SETTINGS = "tests.messaging_testapp.settings"


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """SIGKILL, no goodbye: what a crashed or OOM-killed worker looks like."""
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()

    def _signal_group(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)


def this_tests_database_url() -> str:
    """The database this test uses (pytest-django's test database), as a DATABASE_URL."""
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(queue: str, env: dict[str, str], log: Path, *, concurrency: int = 4) -> Worker:
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "-Q", queue, "-n", f"{queue}@%h", "-c", str(concurrency), "-P", "prefork",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING",
    ]  # fmt: skip
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": TEST_SETTINGS, **env}
    with log.open("ab") as out:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Worker(process=process, log=log)


def wait_until(
    done: Callable[[], bool],
    *,
    timeout: float,
    interval: float = 0.2,
    meanwhile: Callable[[], object] | None = None,
) -> bool:
    """Poll `done` until it holds or `timeout` passes, running `meanwhile` between polls."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return True
        if meanwhile is not None:
            meanwhile()
        time.sleep(interval)
    return done()
