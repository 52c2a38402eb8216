"""The request log lines (ADR 0022): a `request_id` and the client IP bound on every line of a
request, the IP resolved as the throttles resolve it, the user id of whoever authenticated,
and no `request_finished` line built at all when its level is off."""

import logging
import uuid
from collections.abc import MutableMapping
from typing import Any

import pytest
import structlog
from django.test import Client
from structlog.testing import capture_logs

from shared_kernel.observability.request_logging import new_request_id
from tests.support.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def finished(logs: list[MutableMapping[str, Any]]) -> MutableMapping[str, Any]:
    [line] = [entry for entry in logs if entry["event"] == "request_finished"]
    return line


def test_a_request_is_logged_with_its_id_the_client_ip_and_the_status(settings: Any) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        Client().get("/health/live", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1")

    line = finished(logs)
    assert line["code"] == 200
    assert line["request"] == "GET /health/live"
    assert line["ip"] == "10.0.0.1", "the one trusted hop, not the client's own word"
    assert len(line["request_id"]) == 36


def test_request_ids_are_random_version_4_uuids() -> None:
    ids = [new_request_id() for _ in range(2000)]

    assert len(set(ids)) == len(ids)
    for request_id in ids:
        parsed = uuid.UUID(request_id)
        assert str(parsed) == request_id
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def test_the_answer_carries_the_request_id_of_the_request_lines() -> None:
    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        answer = Client().get("/api/v1/nope")

    assert answer["X-Request-ID"] == finished(logs)["request_id"]


def test_the_user_who_authenticated_with_a_bearer_token_is_on_the_line(api_token: Any) -> None:
    user, token = api_token
    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert finished(logs)["code"] == 200
    assert finished(logs)["user_id"] == str(user.pk)


def lines_of_a_success_and_a_404(level: int) -> list[MutableMapping[str, Any]]:
    """The lines of `GET /health/live` (200) and an unknown API URL (404), the request
    logger at `level`."""
    logger = logging.getLogger("django_structlog.middlewares.request")
    previous = logger.level
    logger.setLevel(level)
    try:
        with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
            Client().get("/health/live")
            Client().get("/api/v1/nope")
    finally:
        logger.setLevel(previous)
    return logs


def test_with_info_off_a_successful_request_logs_nothing() -> None:
    logs = lines_of_a_success_and_a_404(logging.WARNING)

    assert [entry["event"] for entry in logs] == ["request_finished"]
    assert finished(logs)["code"] == 404


def test_with_successful_requests_at_debug_only_failures_are_logged(settings: Any) -> None:
    """Production's default (LOG_REQUESTS off): gunicorn's access line is the one line."""
    settings.DJANGO_STRUCTLOG_STATUS_2XX_LOG_LEVEL = logging.DEBUG
    settings.DJANGO_STRUCTLOG_STATUS_DEFAULT_LOG_LEVEL = logging.DEBUG

    logs = lines_of_a_success_and_a_404(logging.INFO)

    assert [entry["code"] for entry in logs if entry["event"] == "request_finished"] == [404]


@pytest.fixture
def api_token() -> tuple[Any, str]:
    user = UserFactory()
    signed_in = Client().post(
        "/api/v1/auth/token",
        {"email": user.email, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    return user, signed_in.json()["access"]
