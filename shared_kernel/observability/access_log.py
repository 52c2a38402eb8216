"""gunicorn's access line as JSON, carrying the request id (ARCHITECTURE.md §7, ADR 0022).

One line per request, written by the server, which knows what the app cannot: the bytes
sent and the time until the last of them. gunicorn's own line is Apache's text format
(not JSON, no request id); this one is JSON like every other line, and its `request_id` is
the one the app bound for the request's own lines and handed to Celery, read from the
answer's `X-Request-ID` header. The app's `request_finished` line for a successful request
then adds nothing but its cost: it is DEBUG unless `LOG_REQUESTS` is on (settings).

Imported by gunicorn's master before any app: no Django here.
"""

import json
import traceback
from datetime import UTC, datetime, timedelta
from typing import Any

from gunicorn import glogging

REQUEST_ID_HEADER = "x-request-id"


class JsonAccessLogger(glogging.Logger):
    """`logger_class` in config/gunicorn.conf.py: gunicorn's logger, its access line JSON."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        try:
            self.access_log.info("%s", json.dumps(access_line(resp, environ, request_time)))
        except Exception:
            self.error(traceback.format_exc())


def access_line(resp: Any, environ: dict[str, Any], request_time: timedelta) -> dict[str, Any]:
    """The fields of one access line: the keys of the app's `request_finished` where they
    mean the same (`request`, `code`, `request_id`), then what only the server knows."""
    query = environ.get("QUERY_STRING")
    path = environ.get("PATH_INFO", "")
    return {
        "event": "request_finished",
        "request": f"{environ.get('REQUEST_METHOD')} {path}?{query}"
        if query
        else f"{environ.get('REQUEST_METHOD')} {path}",
        "code": _status_code(resp.status),
        "request_id": _request_id(resp.headers),
        "remote_addr": environ.get("REMOTE_ADDR"),
        "bytes": getattr(resp, "sent", None),
        "duration_ms": round(request_time / timedelta(milliseconds=1), 3),
        "user_agent": environ.get("HTTP_USER_AGENT"),
        "level": "info",
        "logger": "gunicorn.access",
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }


def _status_code(status: Any) -> int | str:
    code = str(status).split(None, 1)[0]
    return int(code) if code.isdigit() else code


def _request_id(headers: Any) -> str | None:
    for name, value in headers.items() if hasattr(headers, "items") else headers:
        if name.lower() == REQUEST_ID_HEADER:
            return str(value)
    return None
