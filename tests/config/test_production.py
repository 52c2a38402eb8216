"""Production is DEBUG off (ARCHITECTURE.md §6): it refuses to start half-configured, its
`check --deploy` is clean (drf-spectacular's schema warnings included), and it redirects to
HTTPS everything but `/health/`. Each test starts a fresh interpreter with a clean environment,
since settings are read once per process.
"""

import json
import subprocess

import pytest

from tests.support.processes import python

A_FERNET_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="  # a valid key, fixed for xdist's ids

pytestmark = pytest.mark.slow


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return python(env, "manage.py", *args)


@pytest.mark.parametrize(
    ("variable", "value", "complaint"),
    [
        ("SECRET_KEY", None, "SECRET_KEY"),
        ("SECRET_KEY", "django-insecure-" + "x1y2z3" * 10, "SECRET_KEY"),
        ("SECRET_KEY", "ab" * 40, "SECRET_KEY"),
        ("SECRET_KEY", "short-but-random-Q7", "SECRET_KEY"),
        ("ALLOWED_HOSTS", None, "ALLOWED_HOSTS"),
        ("METRICS_TOKEN", None, "METRICS_TOKEN"),
        ("EVENT_ENCRYPTION_KEYS", None, "EVENT_ENCRYPTION_KEYS"),
        ("EVENT_ENCRYPTION_KEYS", "", "EVENT_ENCRYPTION_KEYS"),
        ("EVENT_ENCRYPTION_KEYS", "not-a-fernet-key", "not a Fernet key"),
        ("EVENT_ENCRYPTION_KEYS", f"{A_FERNET_KEY},short", "not a Fernet key"),
    ],
)
def test_production_refuses_to_start_half_configured(
    production_env: dict[str, str], variable: str, value: str | None, complaint: str
) -> None:
    if value is None:
        del production_env[variable]
    else:
        production_env[variable] = value

    result = python(production_env, "-c", "import config.settings")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


@pytest.mark.parametrize(
    ("lease", "time_limit"), [("300", "300"), ("120", "300"), (None, None)], ids=str
)
def test_a_lease_that_does_not_outlast_the_task_time_limit_refuses_to_start(
    production_env: dict[str, str], lease: str | None, time_limit: str | None
) -> None:
    """A run still going when its lease runs out would be run again beside it."""
    production_env.update({"OUTBOX_LEASE_SECONDS": lease or "", "CELERY_TASK_TIME_LIMIT": "300"})
    if lease is None:
        del production_env["OUTBOX_LEASE_SECONDS"]

    result = python(production_env, "-c", "import config.settings")

    if lease is None:  # the default outlasts the limit
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode != 0
        assert "OUTBOX_LEASE_SECONDS" in result.stderr
        assert "must outlast CELERY_TASK_TIME_LIMIT" in result.stderr


def test_the_same_settings_start_with_everything_set(production_env: dict[str, str]) -> None:
    result = manage(production_env, "check")

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("log_requests", "level"), [(None, "DEBUG"), ("true", "INFO"), ("false", "DEBUG")]
)
def test_a_successful_request_is_logged_by_the_server_unless_log_requests(
    production_env: dict[str, str], log_requests: str | None, level: str
) -> None:
    """gunicorn's JSON access line is production's one line per request (ADR 0022)."""
    if log_requests is not None:
        production_env["LOG_REQUESTS"] = log_requests
    script = (
        "import logging, config.settings as s;"
        "print(logging.getLevelName(s.DJANGO_STRUCTLOG_STATUS_2XX_LOG_LEVEL))"
    )

    result = python(production_env, "-c", script)

    assert result.stdout.split() == [level], result.stderr


def test_check_deploy_is_clean_at_warning_level(production_env: dict[str, str]) -> None:
    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


PROBE = """
import json
from django.test import Client
client = Client()
live = client.get("/health/live")
api = client.get("/api/v1/nope")
secure = client.get("/api/v1/nope", headers={"X-Forwarded-Proto": "https"})
print(json.dumps({
    "live": [live.status_code, live.get("Location")],
    "api": [api.status_code, api.get("Location")],
    "secure": [secure.status_code, secure["Content-Type"], secure.get("Strict-Transport-Security")],
}))
"""


def test_https_everywhere_but_health(production_env: dict[str, str]) -> None:
    result = manage(production_env, "shell", "--no-imports", "-c", PROBE)

    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["live"] == [200, None]
    assert seen["api"] == [301, "https://testserver/api/v1/nope"]
    status, content_type, hsts = seen["secure"]
    assert (status, content_type) == (404, "application/problem+json")
    assert hsts.startswith("max-age=31536000")
