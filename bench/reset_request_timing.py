"""`POST /auth/password-reset` timed as the attacker of issue #14 timed it: over HTTP against
real gunicorn (`config/gunicorn.conf.py`, production mode) on PostgreSQL and Redis.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/emporium_bench \
    REDIS_URL=redis://127.0.0.1:6379/4 CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \
    .venv/bin/python bench/reset_request_timing.py [--samples 50] [--rounds 3]

Each round prints two medians of `--samples` requests each, taken in turns: a registered
address against an unknown one (what issue #14 compares: within 1 ms is the target), and,
as the noise floor of this machine at that moment, an unknown address against another
unknown one. Requests carry a new `X-Forwarded-For` each (one trusted proxy), so the per-IP
auth throttle never answers 429; no worker runs, so every ask stays pending in the outbox.

It migrates the database it is given and empties the broker's `identity` queue when done:
give it a database and a broker database of its own. Never run as a test.
"""

import argparse
import http.client
import ipaddress
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from contexts.identity.application.services import identity_use_cases  # noqa: E402
from contexts.identity.models import User  # noqa: E402
from tests.support.processes import free_port, live_status, wait_until  # noqa: E402

REGISTERED = "bench-registered@example.com"
UNKNOWN = ("bench-unknown-1@example.com", "bench-unknown-2@example.com")


def main() -> None:
    options = _arguments()
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"):
        sys.exit("Set DATABASE_URL (PostgreSQL), REDIS_URL and CELERY_BROKER_URL (Redis).")
    call_command("migrate", verbosity=0)
    User.objects.filter(email=REGISTERED).delete()
    identity_use_cases().register_user(email=REGISTERED, password=secrets.token_urlsafe(16))
    port = free_port()
    server = _start_gunicorn(port)
    try:
        if not wait_until(lambda: live_status(port, timeout=1) == 200, timeout=60):
            sys.exit("gunicorn did not start")
        print(f"gunicorn -c config/gunicorn.conf.py, {options.samples} samples a median")
        for round_ in range(1, options.rounds + 1):
            registered, unknown = _medians(port, REGISTERED, UNKNOWN[0], options.samples)
            floor_a, floor_b = _medians(port, UNKNOWN[1], UNKNOWN[0], options.samples)
            print(
                f"round {round_}: registered {registered:.2f} ms, unknown {unknown:.2f} ms "
                f"(difference {registered - unknown:+.2f} ms); noise floor: unknown vs "
                f"unknown {floor_a - floor_b:+.2f} ms"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("identity")


def _medians(port: int, first: str, second: str, samples: int) -> tuple[float, float]:
    """Medians in ms of `samples` requests for each address, in turns, after 5 unmeasured."""
    timings: dict[str, list[float]] = {first: [], second: []}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        for turn in range(5 + samples):
            for email in (first, second) if turn % 2 else (second, first):
                elapsed = _post(connection, email)
                if turn >= 5:
                    timings[email].append(elapsed)
    finally:
        connection.close()
    return statistics.median(timings[first]) * 1000, statistics.median(timings[second]) * 1000


def _post(connection: http.client.HTTPConnection, email: str) -> float:
    body = json.dumps({"email": email})
    headers = {
        "Host": "localhost",
        "Content-Type": "application/json",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": str(ipaddress.IPv4Address((10 << 24) + random.getrandbits(24))),
    }
    started = time.perf_counter()
    connection.request("POST", "/api/v1/auth/password-reset", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    if response.status != 202:
        sys.exit(f"Expected 202, got {response.status}")
    return elapsed


def _start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    from cryptography.fernet import Fernet

    local = tempfile.mkdtemp(prefix="bench-reset-")
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "localhost",
        "METRICS_TOKEN": secrets.token_urlsafe(32),
        "EVENT_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "EMPORIUM_LOCAL_DIR": local,
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "NUM_PROXIES": "1",
        "THROTTLE_AUTH": "1000000/min",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
    }
    with (Path(local) / "gunicorn.log").open("ab") as log:  # the child keeps its own copy
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args()


if __name__ == "__main__":
    main()
