"""Real gunicorn processes from config/gunicorn.conf.py, for the tests that need one."""

import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from tests.support.processes import (
    free_port,
    live_status,
    start_in_own_group,
    stop_group,
    wait_until,
)

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
HOST = "shop.example.com"  # in the test's ALLOWED_HOSTS

Server = Callable[..., int]


@pytest.fixture
def server(
    production_env: dict[str, str],
    tmp_path: Path,
) -> Iterator[Server]:
    """Start gunicorn with the given arguments in production mode; the port it listens on.

    Stopped by PID (its whole process group) at teardown.
    """
    started = []

    def start(*args: str, **env: str) -> int:
        port = free_port()
        environment = {**production_env, "PORT": str(port), "WEB_CONCURRENCY": "2", **env}
        command: Sequence[str] = [GUNICORN, *args]
        if "-c" not in args:  # the old command line names its own address
            command = [*command, "--bind", f"127.0.0.1:{port}"]
        process = start_in_own_group(
            command, cwd=ROOT, env=environment, log=tmp_path / f"gunicorn-{port}.log"
        )
        started.append(process)
        if not wait_until(lambda: live_status(port, host=HOST, timeout=1) == 200, timeout=60):
            log = (tmp_path / f"gunicorn-{port}.log").read_text()
            pytest.fail(f"gunicorn did not start:\n{log[-3000:]}")
        return port

    yield start
    for process in started:
        stop_group(process, grace=10)
