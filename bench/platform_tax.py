"""Platform tax: what every request pays before its view, beside Django's own stack.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/emporium_bench \
    REDIS_URL=redis://127.0.0.1:6379/4 CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \
    .venv/bin/python bench/platform_tax.py [--calls 2000] [--seconds 10] [--runs 3]

Emporium runs in production mode (DEBUG off, PostgreSQL, Redis; logs to /dev/null, its
one line per request gunicorn's JSON access line, as config/gunicorn.conf.py has it). The
baseline (`bench/baseline/`) is Django's default `startproject` middleware with one
`JsonResponse` view and a plain DRF `RetrieveAPIView` of one row, no auth, on the same
database. Each run measures both sides, one right after the other, so a run's ratio
compares like with like on a machine whose load changes; `--runs` runs, then the median of
each figure and of each ratio over the runs:
1. in process: the WSGI application called directly, median µs per request, both apps
   called in alternating batches;
2. under gunicorn, the same flags for both (2 sync workers): req/s from `wrk -t2 -c16`.
Targets (issue 15): `/health/live` in process <= 1.3x the baseline's time; under gunicorn
>= 0.75x its req/s; `GET /api/v1/me` (JWT) >= 0.8x the plain retrieve. Never run as a test.
"""

import argparse
import base64
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.processes import free_port, live_status, wait_until  # noqa: E402

APP, BASELINE = "config.settings", "bench.baseline.settings"
GUNICORN_FLAGS = ["--workers", "2", "--worker-class", "sync", "--access-logfile", "-"]
# Ours writes production's access line (JSON with the request id: config/gunicorn.conf.py);
# the baseline gunicorn's own text line.
OUR_ACCESS_LOG = ["--logger-class", "shared_kernel.observability.access_log.JsonAccessLogger"]


def main() -> None:
    options = _arguments()
    if options.in_process:
        _measure_in_process(*options.in_process)
        return
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL (PostgreSQL), REDIS_URL and CELERY_BROKER_URL.")
    env = _production_env()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    user_id, token = _a_signed_in_user(env)
    me = {"path": "/api/v1/me", "token": token}
    row = {"path": f"/row/{user_id}", "token": ""}
    live = {"path": "/health/live", "token": ""}
    pairs = {"/health/live": (live, live), "GET /me vs DRF retrieve": (me, row)}
    served = shutil.which("wrk") is not None
    if not served:
        print("wrk not found (apt-get install wrk): no figures under gunicorn")
    figures: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for run in range(1, options.runs + 1):
        for name, (ours, theirs) in pairs.items():
            measured = _in_process(env, options.calls, ours, theirs)
            figures[f"{name:24} in process (µs)"].append(measured)
            _print(f"run {run}: {name:24} in process (µs)", measured)
        for name, (ours, theirs) in pairs.items() if served else ():
            measured = _served(env, options.seconds, ours, theirs)
            figures[f"{name:24} gunicorn (req/s)"].append(measured)
            _print(f"run {run}: {name:24} gunicorn (req/s)", measured)
    print(f"median of {options.runs} runs (the ratio: the median of the runs' ratios):")
    for label, runs in figures.items():
        medians = (statistics.median(a for a, _ in runs), statistics.median(b for _, b in runs))
        _print(f"  {label}", medians, _median_ratio(runs))


def _print(label: str, figures: tuple[float, ...], ratio: float | None = None) -> None:
    ours, theirs = figures
    ratio = ours / theirs if ratio is None else ratio
    print(f"{label}: Emporium {ours:8.0f}, baseline {theirs:8.0f}, ratio {ratio:.2f}")


def _median_ratio(runs: list[tuple[float, float]]) -> float:
    return statistics.median(ours / theirs for ours, theirs in runs)


def _production_env() -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "METRICS_TOKEN": secrets.token_urlsafe(32),
        "EVENT_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "SECURE_SSL_REDIRECT": "false",
        # Throttles stay on (their Redis round trips are part of the tax), out of reach.
        "THROTTLE_ANON": "100000000/min",
        "THROTTLE_USER": "100000000/min",
        "EMPORIUM_LOCAL_DIR": "/tmp/emporium-bench-local",
        "PYTHONPATH": str(ROOT),
    }


def _a_signed_in_user(env: dict[str, str]) -> tuple[str, str]:
    script = (
        "from contexts.identity.domain.account import UserId\n"
        "from contexts.identity.infrastructure.tokens import SimpleJwtSessionTokens\n"
        "from tests.support.factories import UserFactory\n"
        "from contexts.identity.models import User\n"
        "user = User.objects.filter(email='bench@example.com').first()"
        " or UserFactory(email='bench@example.com')\n"
        # A session as sign-in opens it: simplejwt's bare tokens lack the auth version (ADR 0018).
        "print(user.pk, SimpleJwtSessionTokens().open(UserId(user.pk)).access)\n"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    return out[-2], out[-1]


def _in_process(
    env: dict[str, str], calls: int, ours: dict[str, str], theirs: dict[str, str]
) -> tuple[float, float]:
    """Both apps in their own interpreter at once, called in alternating batches of
    `calls // 20` (the order alternating too), so a change in the machine's speed hits both
    alike; the median µs per request of each over all its calls."""
    sides = [_caller(env, APP, ours), _caller(env, BASELINE, theirs)]
    timings: list[list[float]] = [[], []]
    try:
        for turn in range(20):
            for index in (0, 1) if turn % 2 == 0 else (1, 0):
                caller = sides[index]
                assert caller.stdin is not None
                assert caller.stdout is not None
                caller.stdin.write(f"{max(calls // 20, 1)}\n")
                caller.stdin.flush()
                timings[index] += [float(t) for t in caller.stdout.readline().split()]
    finally:
        for caller in sides:
            caller.kill()
            caller.wait()
    return statistics.median(timings[0]), statistics.median(timings[1])


def _caller(env: dict[str, str], settings: str, target: dict[str, str]) -> subprocess.Popen[str]:
    command = [sys.executable, __file__, "--in-process", settings, target["path"], target["token"]]
    return subprocess.Popen(
        command, cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": settings},
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip


def _measure_in_process(settings: str, path: str, token: str) -> None:
    """In a fresh interpreter: for each number read on stdin, call the WSGI app that many
    times and print each call's µs on one line."""
    from wsgiref.util import setup_testing_defaults

    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()

    def call() -> None:
        environ: dict[str, object] = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
        environ["HTTP_HOST"], environ["REMOTE_ADDR"] = "127.0.0.1", "127.0.0.1"
        if token:
            environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        setup_testing_defaults(environ)
        response = application(environ, lambda status, headers, exc_info=None: lambda data: None)
        body = b"".join(response)
        if hasattr(response, "close"):
            response.close()
        assert body, f"{settings} {path}: empty answer"

    for _ in range(100):  # warm: imports, connections, caches
        call()
    for line in sys.stdin:
        timings = []
        for _ in range(int(line)):
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1e6)
        print(" ".join(f"{t:.1f}" for t in timings), flush=True)


def _served(
    env: dict[str, str], seconds: int, ours: dict[str, str], theirs: dict[str, str]
) -> tuple[float, float]:
    """Both servers up at once, loaded in turns of one second each, `seconds` turns each
    (the order alternating): a change in the machine's load hits both alike."""
    with (
        _gunicorn(env, "config.wsgi", APP, OUR_ACCESS_LOG) as our_port,
        _gunicorn(env, "bench.baseline.wsgi", BASELINE, []) as their_port,
    ):
        sides = [(our_port, ours), (their_port, theirs)]
        for port, target in sides:
            _load(port, target, seconds=2)  # warm
        served = {port: [0, 0.0] for port, _ in sides}
        for turn in range(seconds):
            for port, target in sides if turn % 2 == 0 else sides[::-1]:
                requests, elapsed = _load(port, target, seconds=1)
                served[port][0] += requests
                served[port][1] += elapsed
    return served[our_port][0] / served[our_port][1], served[their_port][0] / served[their_port][1]


@contextmanager
def _gunicorn(env: dict[str, str], wsgi: str, settings: str, flags: list[str]) -> Iterator[int]:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", wsgi, "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*command, *GUNICORN_FLAGS, *flags],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": settings},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        if not wait_until(
            lambda: live_status(port, timeout=1, host="127.0.0.1") == 200, timeout=30
        ):
            sys.exit(f"{wsgi} did not start on {port}")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _load(port: int, target: dict[str, str], *, seconds: int) -> tuple[int, float]:
    """`wrk -t2 -c16` for `seconds`: how many answers, in how many seconds."""
    url = f"http://127.0.0.1:{port}{target['path']}"
    header = ["-H", f"Authorization: Bearer {target['token']}"] if target["token"] else []
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", *header, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        sys.exit(f"{url}: {errors.group(1)} error answers\n{out}")
    found = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    assert found, out
    elapsed = float(found.group(2)) / (1000 if found.group(3) == "ms" else 1)
    return int(found.group(1)), elapsed


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--in-process", nargs=3, metavar=("SETTINGS", "PATH", "TOKEN"))
    return parser.parse_args()


if __name__ == "__main__":
    main()
