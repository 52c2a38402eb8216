"""Every bad request is a 4xx problem, never a 500 nor an error-level traceback in the log
(issue #14, finding 4): a body over the size limit is 413, a body nested too deep 400, a
disallowed Host under /api/ 400 problem+json (a token with malformed claims, 401, is
test_malformed_token_claims.py). Each request goes through the real URLs and middlewares.
"""

import json
import logging
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from pytest_django.live_server_helper import LiveServer

from shared_kernel.api.parsers import nested_deeper_than
from shared_kernel.api.problems import PROBLEM_TYPE_BASE

REGISTER = "/api/v1/auth/register"
ME = "/api/v1/me"


@pytest.fixture(autouse=True)
def no_auth_throttle(settings: Any) -> None:
    """/auth/register is throttled per client IP, and every test here is 127.0.0.1 to it,
    as are other tests' calls within the minute (the cache is shared): lifted, so the body
    is what these answers are about."""
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": None}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def problem_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith(PROBLEM_TYPE_BASE)
    assert body["title"]
    assert body["detail"]
    return body


def errors_or_tracebacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Records at error level or above, or carrying a traceback (stdlib's or structlog's)."""
    return [
        record
        for record in caplog.records
        if record.levelno >= logging.ERROR
        or record.exc_info
        or (isinstance(record.msg, dict) and record.msg.get("exc_info"))
    ]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# --- Body too large: 413 ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_body_over_the_limit_is_413_not_500(caplog: pytest.LogCaptureFixture) -> None:
    padding = "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # the default: Django's 2.5 MB
    body = json.dumps({"email": "a@example.com", "password": padding, "full_name": "A"})

    response = Client().post(REGISTER, body, content_type="application/json")

    problem = problem_of(response, 413)
    assert problem["type"] == PROBLEM_TYPE_BASE + "payload-too-large"
    assert not errors_or_tracebacks(caplog)


@pytest.mark.django_db
def test_the_limit_is_a_setting(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = json.dumps({"email": "a@example.com", "password": "x" * 1_000, "full_name": "A"})

    response = Client().post(REGISTER, body, content_type="application/json")

    problem_of(response, 413)


# --- Nesting too deep: 400 --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [33, 950, 1_000, 100_000])
def test_a_body_nested_too_deep_is_400(caplog: pytest.LogCaptureFixture, depth: int) -> None:
    response = Client().post(REGISTER, nested(depth), content_type="application/json")

    problem = problem_of(response, 400)
    assert problem["type"] == PROBLEM_TYPE_BASE + "parse-error"
    assert "nested more than 32 levels" in problem["detail"]
    assert not errors_or_tracebacks(caplog)


@pytest.mark.django_db
def test_a_body_nested_to_the_limit_is_parsed_and_validated() -> None:
    email = json.loads(nested(31))  # 31 levels in a field: 32 with the body's object
    body = json.dumps({"email": email, "password": "x", "full_name": "A"})

    response = Client().post(REGISTER, body, content_type="application/json")

    problem = problem_of(response, 400)
    assert problem["type"] == PROBLEM_TYPE_BASE + "validation-error"
    assert "email" in problem["errors"]


@pytest.mark.parametrize(
    ("value", "depth"),
    [
        (1, 0),
        ({}, 1),
        ({"a": [1, {"b": []}]}, 4),
        ([[], [[[]]], {"x": {"y": 1}}], 4),
        (json.loads(nested(32)), 32),
    ],
)
def test_nesting_depth_counts_containers_not_scalars(value: Any, depth: int) -> None:
    assert not nested_deeper_than(value, depth)
    assert nested_deeper_than(value, depth - 1) is (depth > 0)


# --- Disallowed Host: 400 problem+json under /api/ --------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_a_disallowed_host_under_api_is_a_400_problem(
    settings: Any, caplog: pytest.LogCaptureFixture, debug: bool
) -> None:
    settings.DEBUG = debug

    response = Client().get(ME, headers={"Host": "evil.example"})

    problem = problem_of(response, 400)
    assert problem["type"] == PROBLEM_TYPE_BASE + "bad-request"
    assert problem["detail"] == "The Host header names a host this server does not serve."
    assert "evil.example" not in response.content.decode()
    assert not errors_or_tracebacks(caplog)
    refused = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert [r.levelname for r in refused] == ["WARNING"]  # still seen, as a warning


def test_a_disallowed_host_outside_api_keeps_djangos_page(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.DEBUG = False

    response = Client().get("/admin/login/", headers={"Host": "evil.example"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert not errors_or_tracebacks(caplog)


# --- The same over real HTTP ------------------------------------------------------------------


def post_raw(live_server: LiveServer, path: str, body: bytes) -> tuple[int, str, dict[str, Any]]:
    request = urllib.request.Request(
        live_server.url + path,
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers["Content-Type"], json.loads(error.read())


@pytest.mark.django_db(transaction=True)
def test_over_http_a_big_body_is_413_and_a_deep_one_400(
    live_server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    big = b'{"email": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b'"}'

    assert post_raw(live_server, REGISTER, big)[:2] == (413, "application/problem+json")
    status, content_type, body = post_raw(live_server, REGISTER, nested(1_000).encode())
    assert (status, content_type) == (400, "application/problem+json")
    assert body["type"] == PROBLEM_TYPE_BASE + "parse-error"
    assert not errors_or_tracebacks(caplog)
