"""`make image-check`: the production image, built and run for real (issue #13, ADR 0023).

With podman, against this machine's PostgreSQL and Redis (host networking: no registry is
reachable here, so no `postgres` or `redis` image can be pulled):

1. builds the image from the Dockerfile (a cached layer is reused);
2. reads compose.yaml through `podman-compose config` (a real Compose implementation, which
   refuses a file it cannot parse or a required variable left unset) and takes the app
   services' commands and stop grace periods from it, so the commands run here are compose's;
3. runs, each in its own container with a read-only root filesystem and only the settings
   production requires (no EMPORIUM_LOCAL_DIR: the image must run on its own): `migrate` on
   a fresh database, then web (the image's CMD), a worker and beat;
4. waits for `/health/ready` to say `ok`, and runs the image's HEALTHCHECK;
5. registers an account and asks for a password reset over HTTP: each request publishes an
   event; every delivery they cause must be settled `done`, the async ones by the worker
   container (its log names the `deliver` task). Beat's diagnostics heartbeat must be run
   by the worker container too (the cache names the container's host name);
6. spreads requests over the web container's gunicorn workers and checks `/metrics` (with
   METRICS_TOKEN) adds up every worker's count, read file by file in
   PROMETHEUS_MULTIPROC_DIR;
7. sends SIGTERM to web, worker and beat at once: each must exit 0 within compose's
   `stop_grace_period` for it. The times are printed.

Any failure exits non-zero with the container logs. Every container started here is
removed at the end, whatever happened.

Settings (environment): IMAGE_CHECK_DATABASE_URL (dropped and created afresh),
IMAGE_CHECK_REDIS_URL and IMAGE_CHECK_BROKER_URL (both flushed), IMAGE (the tag).
"""

import argparse
import base64
import concurrent.futures
import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_IMAGE = "localhost/emporium:image-check"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/emporium_image_check"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/13"
APP_SERVICES = ("migrate", "web", "worker", "beat")
HOST = "localhost"  # in ALLOWED_HOSTS, as the image's own health check needs it
REQUESTS_METRIC = "django_http_responses_total_by_status_view_method_total"
READY_TIMEOUT = 180.0  # seconds: a loaded two-core machine boots three workers slowly
PER_PID_SCRIPT = """
import glob, json, os
from prometheus_client.multiprocess import MultiProcessCollector
counts = {}
for path in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "counter_*.db")):
    pid = os.path.basename(path)[len("counter_"):-len(".db")]
    counts[pid] = sum(
        sample.value
        for metric in MultiProcessCollector.merge([path], accumulate=True)
        for sample in metric.samples
        if sample.name == "REQUESTS_METRIC" and sample.labels.get("view") == "health-live"
        and sample.labels.get("status") == "200"
    )
print(json.dumps(counts))
""".replace("REQUESTS_METRIC", REQUESTS_METRIC)


class CheckFailed(Exception):
    pass


def step(title: str) -> None:
    print(f"\n---- {title}", flush=True)


def podman(
    *args: str, check: bool = True, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["podman", *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and result.returncode != 0:
        raise CheckFailed(f"podman {' '.join(args[:3])}… failed:\n{result.stderr[-3000:]}")
    return result


@dataclass
class Run:
    """The containers of this check, named after this process so nothing else is touched."""

    image: str
    env_file: Path
    prefix: str = field(default_factory=lambda: f"emporium-check-{os.getpid()}")
    started: list[str] = field(default_factory=list)

    def name(self, service: str) -> str:
        return f"{self.prefix}-{service}"

    def base_args(self, service: str) -> list[str]:
        # --read-only: only the tmpfs podman mounts (/tmp, /run, /dev/shm) are writable,
        # as in the Kubernetes manifests (readOnlyRootFilesystem, an emptyDir on /tmp).
        return [
            "--network", "host", "--read-only", "--env-file", str(self.env_file),
            "--name", self.name(service), "--hostname", self.name(service),
        ]  # fmt: skip

    def start(self, service: str, command: list[str] | None, *extra: str) -> str:
        name = self.name(service)
        self.started.append(name)
        podman("run", "-d", *self.base_args(service), *extra, self.image, *(command or []))
        return name

    def run_once(self, service: str, command: list[str]) -> float:
        self.started.append(self.name(service))
        began = time.monotonic()
        result = podman("run", *self.base_args(service), self.image, *command, check=False)
        elapsed = time.monotonic() - began
        if result.returncode != 0:
            output = (result.stdout + result.stderr)[-3000:]
            raise CheckFailed(f"{service} exited {result.returncode}:\n{output}")
        return elapsed

    def logs(self, service: str) -> str:
        result = podman("logs", self.name(service), check=False)
        return result.stdout + result.stderr

    def running(self, service: str) -> bool:
        state = podman("inspect", "--format", "{{.State.Running}}", self.name(service), check=False)
        return state.stdout.strip() == "true"

    def remove_all(self) -> None:
        for name in self.started:
            podman("rm", "--force", "--time", "0", name, check=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def http_request(
    port: int, method: str, path: str, *, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        all_headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Connection": "close"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers={**all_headers, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_for(
    what: str, done: Callable[[], bool], *, timeout: float, interval: float = 1.0
) -> float:
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        try:
            if done():
                return time.monotonic() - began
        except OSError:
            pass
        time.sleep(interval)
    raise CheckFailed(f"{what}: not within {timeout:.0f} s")


# --- compose ---------------------------------------------------------------------------------


def compose_services() -> dict[str, dict[str, Any]]:
    """compose.yaml as `podman-compose config` resolves it, the required variables set."""
    text = (ROOT / "compose.yaml").read_text()
    required = set(re.findall(r"\$\{([A-Z_]+):\?", text))
    env = {**os.environ, **{name: f"image-check-{name.lower()}" for name in required}}
    tool = Path(sys.executable).parent / "podman-compose"
    result = subprocess.run(
        [str(tool), "-f", str(ROOT / "compose.yaml"), "config"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    if result.returncode != 0 or not result.stdout.strip():
        raise CheckFailed(f"podman-compose config refused compose.yaml:\n{result.stderr[-3000:]}")
    services: dict[str, dict[str, Any]] = yaml.safe_load(result.stdout)["services"]
    missing = set(APP_SERVICES) - set(services)
    if missing:
        raise CheckFailed(f"compose.yaml has no {sorted(missing)}")
    return services


def grace_seconds(service: dict[str, Any]) -> float:
    """A compose duration (`40s`, `5m30s`); compose's default is 10 s."""
    value = str(service.get("stop_grace_period", "10s"))
    parts = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", value)
    if not parts or not any(parts.groups()):
        raise CheckFailed(f"stop_grace_period {value!r} is not in minutes and seconds")
    minutes, seconds = (int(part or 0) for part in parts.groups())
    return minutes * 60.0 + seconds


# --- services --------------------------------------------------------------------------------


def fresh_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise CheckFailed(f"unexpected database name {name!r}")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


@contextmanager
def env_file(settings: dict[str, str]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="emporium-image-check-") as folder:
        path = Path(folder) / "env"
        path.touch(mode=0o600)
        path.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
        yield path


def production_settings(database_url: str, redis_url: str, broker_url: str) -> dict[str, str]:
    """What production requires and nothing the image should default itself."""
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": HOST,
        "METRICS_TOKEN": secrets.token_urlsafe(32),
        "EVENT_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": broker_url,
        "DIAGNOSTICS_HEARTBEAT_SECONDS": "2",  # beat sends it often, for this check only
    }


# --- the checks ------------------------------------------------------------------------------


def check_event_handled_by_worker(run: Run, port: int, database_url: str) -> None:
    email = f"image-check-{uuid.uuid4().hex[:12]}@example.com"
    password = secrets.token_urlsafe(18)
    status, body = http_request(
        port, "POST", "/api/v1/auth/register",
        body={"email": email, "password": password, "full_name": "Image Check"},
    )  # fmt: skip
    if status != 201:
        raise CheckFailed(f"POST /api/v1/auth/register answered {status}: {body[:500]!r}")
    status, body = http_request(port, "POST", "/api/v1/auth/password-reset", body={"email": email})
    if status != 202:
        raise CheckFailed(f"POST /api/v1/auth/password-reset answered {status}: {body[:500]!r}")

    with psycopg.connect(database_url, autocommit=True) as connection:

        def deliveries() -> list[tuple[str, str, str, str]]:
            return connection.execute(
                "SELECT e.event_type, d.subscriber, d.mode, d.status FROM messaging_delivery d"
                " JOIN messaging_outboxevent e ON e.id = d.event_id ORDER BY d.id"
            ).fetchall()

        events = [
            row[0] for row in connection.execute("SELECT event_type FROM messaging_outboxevent")
        ]
        print(f"events published: {events}")
        wait_for(
            "every delivery settled done",
            lambda: all(row[3] == "done" for row in deliveries()),
            timeout=90,
        )
        rows = deliveries()
    for event_type, subscriber, mode, state in rows:
        print(f"delivery: {event_type} -> {subscriber} ({mode}): {state}")
    asynchronous = [row for row in rows if row[2] == "async"]
    worker_log = run.logs("worker")
    handled = [
        line
        for line in worker_log.splitlines()
        if "shared_kernel.messaging.deliver" in line and "succeeded" in line
    ]
    if asynchronous and not handled:
        raise CheckFailed(
            "async deliveries are done, but the worker container's log shows no deliver task"
        )
    if asynchronous:
        print(f"worker container ran {len(handled)} deliver task(s): {handled[0][:160]}")
    else:
        print("no async subscriber for these events yet: the heartbeat below shows the worker")


def check_heartbeat_from_worker(run: Run) -> None:
    script = (
        "import django, json; django.setup(); from django.core.cache import cache;"
        " from shared_kernel.tasks import HEARTBEAT_CACHE_KEY;"
        " print(json.dumps(cache.get(HEARTBEAT_CACHE_KEY)))"
    )
    worker = run.name("worker")

    def seen() -> bool:
        result = podman("exec", run.name("web"), "python", "-c", script, check=False)
        lines = result.stdout.strip().splitlines()
        beat = json.loads(lines[-1]) if lines else None
        return isinstance(beat, dict) and beat.get("hostname") == worker and beat["note"] == "beat"

    waited = wait_for("beat's heartbeat run by the worker container", seen, timeout=90, interval=2)
    print(f"beat scheduled diagnostics.heartbeat, the worker container ran it ({waited:.0f} s)")


def check_metrics_sum_workers(run: Run, port: int, token: str, workers: int) -> None:
    def hit(_: int) -> int:
        return http_request(port, "GET", "/health/live")[0]

    counts: dict[str, float] = {}
    sent = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        for _round in range(6):
            statuses = list(pool.map(hit, range(40)))
            sent += len(statuses)
            if set(statuses) != {200}:
                raise CheckFailed(f"/health/live answered {sorted(set(statuses))}")
            result = podman("exec", run.name("web"), "python", "-c", PER_PID_SCRIPT)
            counts = json.loads(result.stdout.strip().splitlines()[-1])
            if sum(1 for value in counts.values() if value) >= min(2, workers):
                break
    serving = {pid: value for pid, value in counts.items() if value}
    if len(serving) < min(2, workers):
        raise CheckFailed(f"the requests all landed on one gunicorn worker: {counts}")
    status, body = http_request(
        port, "GET", "/metrics", headers={"Authorization": f"Bearer {token}"}
    )
    if status != 200:
        raise CheckFailed(f"/metrics with the token answered {status}")
    pattern = re.compile(
        rf'^{REQUESTS_METRIC}{{(?=[^}}]*view="health-live")(?=[^}}]*status="200")[^}}]*}} (\S+)$',
        re.MULTILINE,
    )
    scraped = sum(float(value) for value in pattern.findall(body.decode()))
    total = sum(counts.values())
    print(
        f"{sent} requests; per gunicorn worker (pid: count): {serving}; /metrics says {scraped:.0f}"
    )
    if scraped != total or total < sent:
        raise CheckFailed(
            f"/metrics says {scraped}, the workers' files add up to {total}, {sent} sent"
        )


def stop_all(run: Run, graces: dict[str, float]) -> dict[str, float]:
    """SIGTERM to web, worker and beat at once; each must exit 0 within its grace period."""

    def stop(service: str) -> tuple[str, float, str]:
        name = run.name(service)
        began = time.monotonic()
        podman("kill", "--signal", "TERM", name)
        waited = podman("wait", name, timeout=graces[service] + 30)
        return service, time.monotonic() - began, waited.stdout.strip()

    times: dict[str, float] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(stop, graces))
    failures = []
    for service, elapsed, exit_code in results:
        times[service] = elapsed
        limit = graces[service]
        print(
            f"{service}: exit code {exit_code}, {elapsed:.1f} s after SIGTERM (grace {limit:.0f} s)"
        )
        if exit_code != "0":
            failures.append(f"{service} exited {exit_code}")
        if elapsed >= graces[service]:
            failures.append(
                f"{service} took {elapsed:.1f} s, past its {graces[service]:.0f} s grace"
            )
    if failures:
        raise CheckFailed("; ".join(failures))
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", default=os.environ.get("IMAGE", DEFAULT_IMAGE))
    parser.add_argument("--skip-build", action="store_true", help="use the image as tagged")
    parser.add_argument("--context", default=str(ROOT), help="the build context (a checkout)")
    args = parser.parse_args()
    database_url = os.environ.get("IMAGE_CHECK_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("IMAGE_CHECK_REDIS_URL", DEFAULT_REDIS_URL)
    broker_url = os.environ.get("IMAGE_CHECK_BROKER_URL", DEFAULT_BROKER_URL)
    began = time.monotonic()

    step("compose.yaml through podman-compose config")
    services = compose_services()
    commands = {name: services[name].get("command") for name in APP_SERVICES}
    graces = {name: grace_seconds(services[name]) for name in ("web", "worker", "beat")}
    for name in APP_SERVICES:
        print(f"{name}: {commands[name] or '(the image CMD)'}")

    if not args.skip_build:
        step(f"podman build -t {args.image}")
        build_began = time.monotonic()
        with tempfile.NamedTemporaryFile("w+", prefix="image-check-build-", suffix=".log") as log:
            result = subprocess.run(
                ["podman", "build", "--format", "docker", "-t", args.image, args.context],
                stdout=log, stderr=subprocess.STDOUT, check=False,
            )  # fmt: skip
            if result.returncode != 0:
                log.seek(0)
                print(log.read()[-5000:])
                raise CheckFailed("podman build failed")
        print(f"built in {time.monotonic() - build_began:.0f} s")

    step("a fresh database and empty Redis databases")
    fresh_database(database_url)
    for url in {redis_url, broker_url}:
        redis.Redis.from_url(url).flushdb()
    print(f"{urlsplit(database_url).path.lstrip('/')}; redis {redis_url}, {broker_url}")

    settings = production_settings(database_url, redis_url, broker_url)
    port = free_port()
    with env_file(settings) as env_path:
        run = Run(image=args.image, env_file=env_path)
        try:
            step("migrate (compose's command), on its own")
            assert commands["migrate"]
            print(f"migrated in {run.run_once('migrate', commands['migrate']):.0f} s")

            step("web, worker and beat (compose's commands)")
            workers = 3
            run.start(
                "web", commands["web"], "-e", f"PORT={port}", "-e", f"WEB_CONCURRENCY={workers}"
            )
            run.start("worker", commands["worker"])
            run.start("beat", commands["beat"])

            def ready() -> bool:
                for service in ("web", "worker", "beat"):
                    if not run.running(service):
                        raise CheckFailed(f"{service} exited:\n{run.logs(service)[-4000:]}")
                status, body = http_request(port, "GET", "/health/ready")
                return status == 200 and json.loads(body)["status"] == "ok"

            waited = wait_for("/health/ready ok", ready, timeout=READY_TIMEOUT)
            print(f"/health/ready is ok ({waited:.0f} s after start)")
            podman("healthcheck", "run", run.name("web"))
            print("the image's HEALTHCHECK passes")

            step("a request publishes events; the worker container handles them")
            check_event_handled_by_worker(run, port, database_url)
            check_heartbeat_from_worker(run)

            step("/metrics adds up every gunicorn worker")
            check_metrics_sum_workers(run, port, settings["METRICS_TOKEN"], workers)

            names = [run.name(service) for service in ("web", "worker", "beat")]
            stats = podman("stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}", *names)
            print(f"memory:\n{stats.stdout.strip()}")

            step("SIGTERM to web, worker and beat")
            stop_all(run, graces)
        except CheckFailed:
            for service in ("web", "worker", "beat"):
                if service in " ".join(run.started):
                    print(f"\n==== {service} log (tail)\n{run.logs(service)[-3000:]}")
            raise
        finally:
            run.remove_all()

    print(f"\nimage-check passed in {time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckFailed as failure:
        print(f"\nimage-check FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
