"""django-structlog's request middleware, tuned for what it costs on every request (ADR 0022).

Kept: a `request_id` bound per request (an upstream `X-Request-ID` trusted only when
`DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID` says so), sent back in `X-Request-ID`, carried
into Celery tasks and onto events as their correlation id by django-structlog's Celery
integration; `request_started`, `request_finished` and `request_failed` lines with the user
id, the client IP and the status; django-structlog's signals to add fields to them;
streaming answers logged as they end.
Changed:
- the client IP is the one the throttles and the sign-in lockout already resolve
  (`client_ip`: `X-Forwarded-For` only through `NUM_PROXIES` hops), bound once, instead of a
  second resolution by python-ipware;
- `request_started`/`request_finished` are built only when their level is on. In production
  a successful request's `request_finished` is DEBUG: gunicorn's JSON access line, carrying
  the same `request_id` (`access_log.py`), is the one line per request (`LOG_REQUESTS`);
- the user id is bound when the request is finished, from whoever authenticated (DRF's
  JWT user included), not by forcing the session's user at the start;
- the request id is a random UUID drawn without a system call (`new_request_id`);
- whether it serves async is asked once, not on every request; the headers are read from
  `META` (not `request.headers`, which copies them all); django-structlog's settings are
  read once per settings change, not several times per request.
"""

import logging
import random
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

import structlog
from asgiref.sync import iscoroutinefunction
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django_structlog import signals
from django_structlog.app_settings import app_settings
from django_structlog.middlewares.request import (
    RequestMiddleware,
    async_streaming_content_wrapper,
    sync_streaming_content_wrapper,
)

from shared_kernel.api.throttling import client_ip
from shared_kernel.observability.logging import clear_contextvars

# On every answer, so a client can quote it and the server's access line carries it.
REQUEST_ID_HEADER = "X-Request-ID"
LOGGER_NAME = "django_structlog.middlewares.request"  # django-structlog's own, as before
logger = structlog.get_logger(LOGGER_NAME)
_stdlib_logger = logging.getLogger(LOGGER_NAME)


class RequestLoggingMiddleware(RequestMiddleware):
    def __init__(self, get_response: Any) -> None:
        super().__init__(get_response)
        self.serves_async = iscoroutinefunction(self)  # asked once, not on every request

    def __call__(self, request: HttpRequest) -> Any:
        if self.serves_async:
            return self.__acall__(request)
        self.prepare(request)
        response = cast(HttpResponse, self.get_response(request))
        self.handle_response(request, response)
        return response

    def prepare(self, request: HttpRequest) -> None:
        levels = _levels()
        upstream = request.META.get("HTTP_X_REQUEST_ID") if levels.trust_upstream_id else None
        request_id = upstream or new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        structlog.contextvars.bind_contextvars(request_id=request_id, ip=client_ip(request))
        if _stdlib_logger.isEnabledFor(levels.started):
            logger.log(
                levels.started,
                "request_started",
                request=self.format_request(request),
                user_agent=request.META.get("HTTP_USER_AGENT"),
            )

    def handle_response(self, request: HttpRequest, response: HttpResponse) -> None:
        response.headers[REQUEST_ID_HEADER] = request.request_id  # type: ignore[attr-defined]
        if hasattr(request, "_raised_exception"):  # `request_failed` was logged: the parent's
            super().handle_response(request, response)
            return
        level = _levels().for_status(response.status_code)
        if _stdlib_logger.isEnabledFor(level):
            self._log_finished(request, response, level)
        clear_contextvars()

    def _log_finished(self, request: HttpRequest, response: HttpResponse, level: int) -> None:
        self.bind_user_id(request)
        log_kwargs: dict[str, Any] = {
            "code": response.status_code,
            "request": self.format_request(request),
        }
        signals.bind_extra_request_finished_metadata.send(
            sender=self.__class__,
            request=request,
            logger=logger,
            response=response,
            log_kwargs=log_kwargs,
        )
        logger.log(level, "request_finished", **log_kwargs)
        if isinstance(response, StreamingHttpResponse):
            _log_when_streamed(response, structlog.contextvars.get_contextvars())


def _log_when_streamed(response: StreamingHttpResponse, context: dict[str, Any]) -> None:
    if response.is_async:
        response.streaming_content = async_streaming_content_wrapper(
            response.streaming_content,  # type: ignore[arg-type]
            context,
        )
    else:
        response.streaming_content = sync_streaming_content_wrapper(
            response.streaming_content,  # type: ignore[arg-type]
            context,
        )


def new_request_id() -> str:
    """A random version-4 UUID as text, from `random`, not `uuid4`'s `os.urandom`: a request
    id is a label, not a secret, and the system call cost ~10 µs a request where system
    calls are dear (a sandboxed VM); written without building a `UUID`, which cost as much
    again in situ. `random` is reseeded in every forked worker."""
    digits = f"{random.getrandbits(128) & _V4_MASK | _V4_BITS:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


# RFC 4122's version (4, bits 76-79) and variant (0b10, bits 62-63), as `uuid.UUID` sets them.
_V4_MASK = ~((0xF000 << 64) | (0xC000 << 48))
_V4_BITS = (0x4000 << 64) | (0x8000 << 48)


@dataclass(frozen=True)
class _Levels:
    started: int
    by_status_class: dict[int, int]
    default: int
    trust_upstream_id: bool

    def for_status(self, status_code: int) -> int:
        return self.by_status_class.get(status_code // 100, self.default)


@cache
def _levels() -> _Levels:
    return _Levels(
        started=app_settings.STATUS_START_LOG_LEVEL,
        by_status_class={
            2: app_settings.STATUS_2XX_LOG_LEVEL,
            4: app_settings.STATUS_4XX_LOG_LEVEL,
            5: app_settings.STATUS_5XX_LOG_LEVEL,
        },
        default=app_settings.STATUS_DEFAULT_LOG_LEVEL,
        trust_upstream_id=app_settings.TRUST_UPSTREAM_REQUEST_ID,
    )


@receiver(setting_changed)
def _forget_the_levels(*, setting: str, **_: Any) -> None:
    if setting.startswith("DJANGO_STRUCTLOG_"):
        _levels.cache_clear()
