"""Real processes for the tests that start them (Celery workers, beat): one way to start,
wait for and stop them, so every such test cleans up the same, reliable way.

Each process runs in its own process group (a prefork pool's children included), so the
signals sent reach exactly the processes the test started.
"""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start_in_own_group(
    args: Sequence[str], *, cwd: Path, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    """Start `args` with its output appended to `log`, in a process group of its own."""
    with log.open("ab") as out:  # the child keeps its own copy of the file
        return subprocess.Popen(
            list(args), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the whole group, no goodbye: what a crashed or OOM-killed worker looks like."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def stop_group(process: subprocess.Popen[bytes], *, grace: float = 20) -> None:
    """SIGTERM to the main process (a warm shutdown stops its pool), then SIGKILL whatever
    is left of its group: signalling the pool children directly can hang the worker."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


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


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on, for a server the caller starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def live_status(port: int, *, timeout: float, host: str = "localhost") -> int | None:
    """`/health/live`'s status on 127.0.0.1:`port`, or None when no answer comes within
    `timeout` seconds (refused, reset, timed out)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/health/live", headers={"Host": host})
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def python(
    env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """This interpreter run with `args` from the repository's root, in `env`, to its end:
    for what is read once per process (settings), a fresh interpreter each time."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
