"""Liveness and readiness probes (ARCHITECTURE.md §5).

`/health/live` says the process runs and checks nothing else. `/health/ready` runs every check
and answers its own JSON (not problem+json): 503 `unavailable` only when a critical check
fails (the database, unapplied migrations), because then this process cannot serve; a
failing non-critical check (cache, broker, the outbox registered by the event bus) is 200
`degraded`: orders are still taken, alerts and metrics watch the rest.

Each check is short and bounded (settings give the cache and the broker sub-second timeouts)
and never raises: a check that crashes counts as failed. The views are plain Django views,
so no authentication or throttle (and so no cache) stands between a probe and its answer.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from uuid import uuid4

import structlog
from celery import current_app
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils.http import http_date

logger = structlog.get_logger(__name__)

BROKER_TIMEOUT_SECONDS = 1


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadinessCheck:
    name: str
    run: Callable[[], CheckResult]
    critical: bool  # a failing critical check makes the process unavailable (503)


_extra_checks: dict[str, ReadinessCheck] = {}


def register_readiness_check(
    name: str, run: Callable[[], CheckResult], *, critical: bool = False
) -> None:
    """Add a check to /health/ready (the event bus adds `outbox`, never critical: §5)."""
    _extra_checks[name] = ReadinessCheck(name=name, run=run, critical=critical)


# `never_cache`'s headers, written as they are: its parsing and merging of `Cache-Control`
# cost the liveness probe more than the rest of its view (ADR 0022).
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def _never_cached(body: Mapping[str, object], status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response.headers["Expires"] = http_date()
    response.headers["Cache-Control"] = NEVER_CACHE
    return response


def live(request: HttpRequest) -> JsonResponse:
    return _never_cached({"status": "ok"})


def ready(request: HttpRequest) -> JsonResponse:
    results = {check.name: (check, _run_safely(check)) for check in readiness_checks()}
    status = _overall_status(list(results.values()))
    body = {
        "status": status,
        "checks": {
            name: {"ok": result.ok, **result.detail} for name, (_, result) in results.items()
        },
    }
    return _never_cached(body, status=503 if status == "unavailable" else 200)


def readiness_checks() -> list[ReadinessCheck]:
    built_in = [
        ReadinessCheck("database", check_database, critical=True),
        ReadinessCheck("migrations", check_migrations, critical=True),
        ReadinessCheck("cache", check_cache, critical=False),
        ReadinessCheck("broker", check_broker, critical=False),
    ]
    return built_in + list(_extra_checks.values())


def check_database() -> CheckResult:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return CheckResult(ok=True)


_migrations_seen_applied = False


def check_migrations() -> CheckResult:
    """Loading the migration graph is slow: once all are applied, this process stops asking."""
    global _migrations_seen_applied  # a per-process memo of a one-way fact
    if _migrations_seen_applied:
        return CheckResult(ok=True)
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        return CheckResult(ok=False, detail={"pending": len(pending)})
    _migrations_seen_applied = True
    return CheckResult(ok=True)


def check_cache() -> CheckResult:
    """A round trip: the fail-open cache never raises, it just forgets."""
    key, token = "health:ready", uuid4().hex
    cache.set(key, token, timeout=10)
    return CheckResult(ok=cache.get(key) == token)


def check_broker() -> CheckResult:
    with current_app.connection_for_write(connect_timeout=BROKER_TIMEOUT_SECONDS) as connection:
        connection.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
    return CheckResult(ok=True)


def _run_safely(check: ReadinessCheck) -> CheckResult:
    try:
        return check.run()
    except Exception as error:  # a probe reports failures, it never raises them
        logger.warning("readiness_check_failed", check=check.name, error=repr(error))
        return CheckResult(ok=False, detail={"error": type(error).__name__})


def _overall_status(results: list[tuple[ReadinessCheck, CheckResult]]) -> str:
    if any(check.critical and not result.ok for check, result in results):
        return "unavailable"
    if any(not result.ok for _, result in results):
        return "degraded"
    return "ok"
