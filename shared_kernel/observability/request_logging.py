"""django-structlog's request middleware, tuned for what it costs on every request (ADR 0022).

Kept: a `request_id` bound per request (an upstream `X-Request-ID` trusted only when
`DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID` says so), carried into Celery tasks and onto
events as their correlation id by django-structlog's Celery integration; `request_started`,
`request_finished` and `request_failed` lines with the user id, the client IP and the status.
Changed:
- the client IP is the one the throttles and the sign-in lockout already resolve
  (`client_ip`: `X-Forwarded-For` only through `NUM_PROXIES` hops), bound once, instead of a
  second resolution by python-ipware;
- `request_started`/`request_finished` are built only when their level is on: with logging
  at WARNING, a 2xx request pays for neither;
- the user id is bound when the request is finished, from whoever authenticated (DRF's
  JWT user included), not by forcing the session's user at the start.
"""

import logging
import uuid

import structlog
from django.http import HttpRequest, HttpResponse
from django_structlog.app_settings import app_settings
from django_structlog.middlewares import RequestMiddleware

from shared_kernel.api.throttling import client_ip

_stdlib_logger = logging.getLogger("django_structlog.middlewares.request")


class RequestLoggingMiddleware(RequestMiddleware):
    def prepare(self, request: HttpRequest) -> None:
        upstream = request.headers.get("x-request-id")
        trusted = upstream if app_settings.TRUST_UPSTREAM_REQUEST_ID and upstream else None
        structlog.contextvars.bind_contextvars(
            request_id=trusted or str(uuid.uuid4()), ip=client_ip(request)
        )
        if _stdlib_logger.isEnabledFor(app_settings.STATUS_START_LOG_LEVEL):
            structlog.get_logger("django_structlog.middlewares.request").log(
                app_settings.STATUS_START_LOG_LEVEL,
                "request_started",
                request=self.format_request(request),
                user_agent=request.headers.get("user-agent"),
            )

    def handle_response(self, request: HttpRequest, response: HttpResponse) -> None:
        level = self._log_level_for_status_code(response.status_code)
        if hasattr(request, "_raised_exception") or _stdlib_logger.isEnabledFor(level):
            super().handle_response(request, response)
            return
        structlog.contextvars.clear_contextvars()
