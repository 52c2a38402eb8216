"""Structured logging (ARCHITECTURE.md §7): JSON in production, readable in development.

Every line carries the `request_id` that django-structlog binds per request and carries into
Celery tasks; the same id becomes the correlation id of every event published meanwhile.
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


_SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    mask_secrets,  # no token, password or secret in a log line (ADR 0016)
]


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
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
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
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.filter_by_level,
            *_SHARED_PROCESSORS[1:],
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
