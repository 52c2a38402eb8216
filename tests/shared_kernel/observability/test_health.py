"""Liveness checks nothing; readiness is 503 only for what stops this process serving (§5)."""

import time
from collections.abc import Iterator
from uuid import uuid4

import pytest
from celery import current_app
from django.db import OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.test import Client
from django.utils.cache import add_never_cache_headers
from django.utils.http import parse_http_date

from shared_kernel.observability import health
from shared_kernel.observability.health import CheckResult, ReadinessCheck

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def private_cache(settings) -> None:
    """Other tests clear the shared cache; a clear between the check's set and get reads as
    a cache failure."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"health-{uuid4().hex}",
        }
    }


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection to server at db:5432 failed")

    monkeypatch.setattr(connections["default"], "cursor", unreachable)
    monkeypatch.setattr(health, "_migrations_seen_applied", False)


@pytest.fixture
def cache_down(settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "shared_kernel.infrastructure.cache.FailOpenRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    conf = current_app.conf
    saved = {
        key: conf[key] for key in ("broker_url", "broker_transport", "broker_transport_options")
    }
    monkeypatch.setenv("CELERY_BROKER_URL", DEAD_REDIS)  # Celery reads it before its conf
    # broker_transport (embedded mode's filesystem one) would win over the URL's scheme.
    conf.update(broker_url=DEAD_REDIS, broker_transport=None, broker_transport_options={})
    yield
    conf.update(saved)


def ready() -> tuple[int, dict]:
    response = Client().get("/health/ready")
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


def test_liveness_checks_nothing_else(database_down: None, cache_down: None) -> None:
    response = Client().get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_is_ok_when_everything_answers() -> None:
    status, body = ready()

    assert status == 200
    assert body["status"] == "ok"
    for name in ("database", "migrations", "cache", "broker"):
        assert body["checks"][name]["ok"] is True, name


def test_database_down_is_503_unavailable_naming_it(database_down: None) -> None:
    status, body = ready()

    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["cache"]["ok"] is True
    assert "db:5432" not in str(body)


def test_unapplied_migrations_are_503_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "_migrations_seen_applied", False)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("m", False)])

    status, body = ready()

    assert status == 503
    assert body["checks"]["migrations"] == {"ok": False, "pending": 1}
    assert body["checks"]["database"]["ok"] is True


def test_cache_down_is_200_degraded(cache_down: None) -> None:
    status, body = ready()

    assert status == 200
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_broker_down_is_200_degraded(broker_down: None) -> None:
    status, body = ready()

    assert status == 200
    assert body["status"] == "degraded"
    assert body["checks"]["broker"] == {"ok": False, "error": "OperationalError"}


def test_registered_checks_join_the_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "_extra_checks", {})
    health.register_readiness_check("outbox", lambda: CheckResult(ok=False, detail={"lag": 900}))

    status, body = ready()

    assert status == 200
    assert body["status"] == "degraded"
    assert body["checks"]["outbox"] == {"ok": False, "lag": 900}


def test_a_failing_critical_registered_check_makes_it_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def crashes() -> CheckResult:
        raise RuntimeError("boom")

    monkeypatch.setattr(health, "_extra_checks", {})
    health.register_readiness_check("search-index", crashes, critical=True)

    status, body = ready()

    assert status == 503
    assert body["checks"]["search-index"] == {"ok": False, "error": "RuntimeError"}


def test_readiness_lists_the_built_in_checks_first() -> None:
    checks = health.readiness_checks()

    assert [(c.name, c.critical) for c in checks[:4]] == [
        ("database", True),
        ("migrations", True),
        ("cache", False),
        ("broker", False),
    ]
    assert all(isinstance(c, ReadinessCheck) for c in checks)


def test_probes_are_never_throttled(settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/min", "user": "1/min", "auth": "1/min"},
    }

    statuses = [Client().get(path).status_code for path in ["/health/ready", "/health/live"] * 3]

    assert statuses == [200] * 6


@pytest.mark.parametrize("path", ["/health/live", "/health/ready"])
def test_probes_are_never_cached_as_never_cache_says(path: str) -> None:
    expected = HttpResponse()
    add_never_cache_headers(expected)

    response = Client().get(path)

    assert response["Cache-Control"] == expected["Cache-Control"]
    assert parse_http_date(response["Expires"]) <= time.time(), "expired already"
