"""Embedded mode runs a real Celery worker and beat over kombu's filesystem transport
(ARCHITECTURE.md §3, §6) — not eager Celery. These tests start `celery -A config worker` and
`celery -A config beat` as `make run` does, with nothing configured but a private
EMPORIUM_LOCAL_DIR, and watch a task travel through the broker folders into the worker.
"""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.cache.backends.filebased import FileBasedCache

from shared_kernel.tasks import HEARTBEAT_CACHE_KEY, Heartbeat
from tests.support.processes import start_in_own_group, stop_group

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("celery-workers")]

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SERVICE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER")
STARTUP_SECONDS = 60

Start = Callable[..., subprocess.Popen[bytes]]


@pytest.fixture
def local_dir(tmp_path: Path) -> Path:
    return tmp_path / "local"


@pytest.fixture
def embedded_env(local_dir: Path) -> dict[str, str]:
    """The environment of `make run` on a fresh machine: no services, a private state dir."""
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_VARIABLES}
    env.update(
        EMPORIUM_LOCAL_DIR=str(local_dir),
        DJANGO_SETTINGS_MODULE="config.settings",
        DIAGNOSTICS_HEARTBEAT_SECONDS="1",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(REPO_ROOT),  # this checkout's code, whatever the venv points at
    )
    return env


@pytest.fixture
def start(embedded_env: dict[str, str], tmp_path: Path) -> Iterator[Start]:
    """Start a process in embedded mode; stop it (and its children) by PID at teardown."""
    started: list[subprocess.Popen[bytes]] = []

    def _start(*args: str, log_name: str) -> subprocess.Popen[bytes]:
        process = start_in_own_group(args, cwd=REPO_ROOT, env=embedded_env, log=tmp_path / log_name)
        started.append(process)
        return process

    yield _start
    for process in started:
        stop_group(process)


def _wait_for(predicate: Callable[[], object], *, what: str, process: subprocess.Popen[bytes]):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        assert process.poll() is None, f"the process died (exit {process.returncode})"
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}")


def _log(tmp_path: Path, name: str) -> str:
    return (tmp_path / name).read_text(errors="replace")


def _heartbeat(local_dir: Path) -> Heartbeat | None:
    """Read the worker's heartbeat straight from embedded mode's file cache."""
    cache = FileBasedCache(str(local_dir / "cache"), {})
    beat: Heartbeat | None = cache.get(HEARTBEAT_CACHE_KEY)
    return beat


def _parent_pid(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))


def _send_heartbeat(note: str, env: dict[str, str]) -> None:
    """Send the task from another process, as the web process would."""
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from shared_kernel.tasks import heartbeat; heartbeat.delay(note={note!r})",
        ],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=STARTUP_SECONDS,
    )


def _start_worker(start: Start, tmp_path: Path) -> subprocess.Popen[bytes]:
    celery = str(BIN / "celery")
    worker = start(celery, "-A", "config", "worker", "-l", "INFO", "-c", "1", log_name="worker.log")
    _wait_for(lambda: " ready." in _log(tmp_path, "worker.log"), what="worker", process=worker)
    return worker


def test_a_real_worker_executes_a_task_sent_through_the_filesystem_broker(
    start, embedded_env, local_dir, tmp_path
):
    worker = _start_worker(start, tmp_path)
    note = f"e2e-{uuid.uuid4()}"

    _send_heartbeat(note, embedded_env)

    beat = _wait_for(
        lambda: (hb := _heartbeat(local_dir)) and hb["note"] == note and hb,
        what="the heartbeat task to run",
        process=worker,
    )
    assert _parent_pid(beat["pid"]) == worker.pid, "run by a pool process of our worker"
    assert (local_dir / "broker" / "queue").is_dir()


def test_beat_schedules_the_heartbeat_and_the_worker_runs_it(start, local_dir, tmp_path):
    worker = _start_worker(start, tmp_path)
    beat = start(str(BIN / "celery"), "-A", "config", "beat", "-l", "INFO", log_name="beat.log")

    _wait_for(
        lambda: (hb := _heartbeat(local_dir)) and hb["note"] == "beat",
        what="beat's heartbeat to be run by the worker",
        process=worker,
    )
    assert beat.poll() is None, _log(tmp_path, "beat.log")
    assert "beat: Starting" in _log(tmp_path, "beat.log")
