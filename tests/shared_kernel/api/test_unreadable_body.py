"""A body that stops arriving is the client's fault: 400 problem+json, no traceback (ADR 0019).

gunicorn gives up on a body after `GUNICORN_BODY_TIMEOUT` seconds without a byte; the app's
read then fails, and Django raises `UnreadablePostError`, which answered 500 with an error
and its traceback in the log. tests/config/test_slow_clients.py shows the real thing under
gunicorn; here a stream that fails as a timed-out socket does stands in for it.
"""

import logging
from typing import Any

import pytest
from django.test import Client

from tests.shared_kernel.api.test_bad_requests import errors_or_tracebacks, problem_of

BODY = b'{"email": "ann@example.com"}'


class StalledStream:
    """What gunicorn hands the app when the client stops sending: a read that times out."""

    def read(self, *args: Any) -> bytes:
        raise TimeoutError("timed out")

    def readline(self, *args: Any) -> bytes:
        raise TimeoutError("timed out")


@pytest.mark.django_db
def test_a_body_that_stops_arriving_is_400_with_no_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)

    environ: dict[str, Any] = {"wsgi.input": StalledStream(), "CONTENT_LENGTH": str(len(BODY))}
    response = Client(REMOTE_ADDR="10.9.8.7").generic(
        "POST", "/api/v1/auth/password-reset", BODY, "application/json", **environ
    )

    body = problem_of(response, 400)
    assert "did not arrive whole" in body["detail"]
    assert errors_or_tracebacks(caplog) == []
