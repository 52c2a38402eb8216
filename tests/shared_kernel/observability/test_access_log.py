"""gunicorn's access line as JSON (ADR 0022), built from what gunicorn hands its logger."""

import json
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from shared_kernel.observability.access_log import JsonAccessLogger, access_line

ENVIRON = {
    "REQUEST_METHOD": "GET",
    "PATH_INFO": "/api/v1/products",
    "QUERY_STRING": 'q="boots"\\',
    "REMOTE_ADDR": "10.0.0.7",
    "HTTP_USER_AGENT": 'curl/8 "quoted"',
}


def answer(status: str = "200 OK", **headers: str) -> SimpleNamespace:
    return SimpleNamespace(status=status, headers=list(headers.items()), sent=1234)


def test_the_line_holds_the_request_its_id_status_size_and_time() -> None:
    line = access_line(
        answer(**{"Content-Type": "application/json", "X-Request-ID": "abc"}),
        ENVIRON,
        timedelta(milliseconds=12, microseconds=345),
    )

    assert line["request"] == 'GET /api/v1/products?q="boots"\\'
    assert line["code"] == 200
    assert line["request_id"] == "abc"
    assert line["remote_addr"] == "10.0.0.7"
    assert line["bytes"] == 1234
    assert line["duration_ms"] == 12.345
    assert line["event"] == "request_finished"
    assert line["timestamp"].endswith("Z")


def test_without_a_query_or_an_id_the_line_says_so() -> None:
    line = access_line(answer("404 Not Found"), {**ENVIRON, "QUERY_STRING": ""}, timedelta())

    assert line["request"] == "GET /api/v1/products"
    assert line["code"] == 404
    assert line["request_id"] is None


def test_the_logger_writes_valid_json_whatever_the_client_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = Config()
    config.set("accesslog", "-")
    access_logger = JsonAccessLogger(config)
    access_logger.access_log.propagate = True  # to caplog, for this test
    try:
        with caplog.at_level(logging.INFO, logger="gunicorn.access"):
            access_logger.access(answer(**{"x-request-id": "r-1"}), None, ENVIRON, timedelta())
    finally:
        access_logger.access_log.propagate = False

    [record] = [r for r in caplog.records if r.name == "gunicorn.access"]
    line = json.loads(record.getMessage())
    assert line["user_agent"] == 'curl/8 "quoted"'
    assert line["request_id"] == "r-1"


def test_no_access_log_configured_writes_nothing(caplog: pytest.LogCaptureFixture) -> None:
    access_logger = JsonAccessLogger(Config())
    access_logger.access_log.propagate = True
    try:
        with caplog.at_level(logging.INFO, logger="gunicorn.access"):
            access_logger.access(answer(), None, ENVIRON, timedelta())
    finally:
        access_logger.access_log.propagate = False

    assert not [r for r in caplog.records if r.name == "gunicorn.access"]
