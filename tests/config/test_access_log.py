"""The one access line per request (ARCHITECTURE.md §7, ADR 0022): gunicorn started from
config/gunicorn.conf.py writes it as JSON, with the request id the app sent back in
`X-Request-ID` (the id on the request's own lines and carried into Celery)."""

import http.client
import json
from pathlib import Path

import pytest

from tests.config.conftest import HOST, Server
from tests.support.processes import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("gunicorn")]


def test_gunicorn_writes_one_json_access_line_with_the_request_id(
    server: Server, tmp_path: Path
) -> None:
    port = server("-c", "config/gunicorn.conf.py", WEB_CONCURRENCY="1")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", '/health/live?probe="1"', headers={"Host": HOST})
    answer = connection.getresponse()
    answer.read()
    request_id = answer.getheader("X-Request-ID")
    assert request_id
    assert len(request_id) == 36
    log = tmp_path / f"gunicorn-{port}.log"

    def access_lines() -> list[dict[str, object]]:
        lines = [json.loads(line) for line in log.read_text().splitlines() if '"code"' in line]
        return [line for line in lines if line.get("request_id") == request_id]

    assert wait_until(lambda: access_lines() != [], timeout=10), log.read_text()[-3000:]
    [line] = access_lines()
    assert line["logger"] == "gunicorn.access"
    assert line["request"] == 'GET /health/live?probe="1"'
    assert line["code"] == 200
    assert isinstance(line["bytes"], int)
    assert line["bytes"] > 0
    assert isinstance(line["duration_ms"], float)
    assert not [
        text for text in log.read_text().splitlines() if "/health/live" in text and "{" not in text
    ], "no text access line beside the JSON one"
