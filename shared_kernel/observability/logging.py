"""Structured logging (ARCHITECTURE.md §7): JSON in production, readable in development.

Every line carries the `request_id` that django-structlog binds per request and carries into
Celery tasks; the same id becomes the correlation id of every event published meanwhile.

One handler, one renderer, for structlog's events and the standard library's records alike.
A structlog event bound for that handler alone (the usual case: no test's capture handler,
no logger filter) skips the `LogRecord` round trip (a record built, copied by
`ProcessorFormatter`, handed through the handler's locks): the last processor renders it
with the handler's own processors and writes the line itself, the same line, at a third of
the cost (ADR 0022). Any other destination gets the record as before.
"""

import logging
from typing import Any

import structlog

from shared_kernel.observability.redaction import mask_secrets

# Django logs these requests' refusal (a 400) at error level with a traceback: a Host header
# not in ALLOWED_HOSTS, a body or a form over its limits. The client erred, not the server:
# a warning, one line, is what they are (ADR 0017).
CLIENT_ERROR_LOGGERS = (
    "django.security.DisallowedHost",
    "django.security.RequestDataTooBig",
    "django.security.TooManyFieldsSent",
    "django.security.TooManyFilesSent",
)


class ClientErrorAsWarning(logging.Filter):
    """Logs a record at warning level at most, without its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info, record.exc_text = None, None
        return True


def merge_contextvars(logger: Any, method_name: str, event_dict: Any) -> Any:
    """structlog's `merge_contextvars`, reading structlog's own context variables (a handful)
    instead of every variable of the thread's context: 34 in a request, 31 of them
    asgiref's, walked on every log line (ADR 0022). Equal to structlog's (tested)."""
    for name, variable in tuple(_STRUCTLOG_VARIABLES.items()):
        value = variable.get(Ellipsis)
        if value is not Ellipsis:
            event_dict.setdefault(name[_PREFIX_LENGTH:], value)
    return event_dict


def clear_contextvars() -> None:
    """structlog's `clear_contextvars`, through structlog's own variables, as above."""
    for variable in tuple(_STRUCTLOG_VARIABLES.values()):
        if variable.get(Ellipsis) is not Ellipsis:
            variable.set(Ellipsis)


# structlog keeps one context variable per key bound, in this registry (its design since
# 21.1: "a dict of ContextVars instead of a single ContextVar with a dict"). Private, so
# the tests hold these functions equal to structlog's own.
_STRUCTLOG_VARIABLES = structlog.contextvars._CONTEXT_VARS
_PREFIX_LENGTH = structlog.contextvars.STRUCTLOG_KEY_PREFIX_LEN

_SHARED_PROCESSORS: list[Any] = [
    merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    mask_secrets,  # no token, password or secret in a log line (ADR 0016)
]


_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}


class ConsoleHandler(logging.StreamHandler):
    """The one handler (stderr); a structlog event that reaches no other is written here
    directly by `write_or_hand_over`, through this handler's `ProcessorFormatter`'s own
    processors, so the line is the one the record would have made."""

    def write_event(self, logger: Any, method_name: str, event_dict: Any) -> None:
        formatter = self.formatter
        assert isinstance(formatter, structlog.stdlib.ProcessorFormatter)
        event_dict["_record"], event_dict["_from_structlog"] = None, True  # as format() adds
        for processor in formatter.processors:
            event_dict = processor(logger, method_name, event_dict)
        self.acquire()
        try:
            self.stream.write(event_dict + self.terminator)
            self.flush()
        finally:
            self.release()


def write_or_hand_over(logger: Any, method_name: str, event_dict: Any) -> Any:
    """structlog's last processor: write the line when our handler is its only destination,
    else hand the event to the standard library as `ProcessorFormatter` expects it."""
    handler = _sole_handler(logger, _LEVELS.get(event_dict.get("level", ""), logging.INFO))
    if handler is None:
        return structlog.stdlib.ProcessorFormatter.wrap_for_formatter(
            logger, method_name, event_dict
        )
    handler.write_event(logger, method_name, event_dict)
    raise structlog.DropEvent


def _sole_handler(logger: Any, level: int) -> ConsoleHandler | None:
    """The `ConsoleHandler` the record would reach, if it would reach that one only."""
    if not isinstance(logger, logging.Logger) or logger.filters or logger.disabled:
        return None
    found: ConsoleHandler | None = None
    current: logging.Logger | None = logger
    while current is not None:
        for handler in current.handlers:
            if found is not None or type(handler) is not ConsoleHandler or handler.filters:
                return None
            found = handler
        if not current.propagate:
            break
        current = current.parent
    return found if found is not None and level >= found.level else None


def _renderer(*, json: bool) -> Any:
    if json:
        return structlog.processors.JSONRenderer()
    return structlog.dev.ConsoleRenderer(colors=False)


def logging_config(*, json: bool, level: str) -> dict[str, Any]:
    """The stdlib `LOGGING` dict: every record, structlog's or not, goes through one renderer."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    _renderer(json=json),
                ],
                "foreign_pre_chain": _SHARED_PROCESSORS,
            },
        },
        "filters": {"client_error_as_warning": {"()": ClientErrorAsWarning}},
        "handlers": {
            "console": {"()": ConsoleHandler, "formatter": "structured"},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "django.server": {"level": "WARNING"},
            **{name: {"filters": ["client_error_as_warning"]} for name in CLIENT_ERROR_LOGGERS},
        },
    }


def configure_structlog(*, json: bool) -> None:
    structlog.configure(
        processors=[
            merge_contextvars,
            structlog.stdlib.filter_by_level,
            *_SHARED_PROCESSORS[1:],
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            write_or_hand_over,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
