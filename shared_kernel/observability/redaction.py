"""Secrets never reach a log line (ADR 0016): a structlog processor masks them.

The bus logs ids, never payloads, and the consumer masks an event's secret values in a
subscriber's error; this processor is the net under both. Any key of a log event, at any
depth of a dict value, that names a password, a secret or a token (`reset_token`,
`refresh_token`, `token`, …) has its value replaced by the mask the admin shows.
"""

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

MASK = "********"


@lru_cache(maxsize=4096)  # a log event's keys are a small, fixed set: each judged once
def looks_secret(key: str) -> bool:
    name = key.lower()
    return "password" in name or "secret" in name or name.endswith("token")


def mask_secrets(logger: Any, method_name: str, event_dict: Any) -> Any:
    """structlog processor: the event dict with secret-named values masked (itself, untouched
    and uncopied, when nothing in it needs masking: every request's line)."""
    for key, value in event_dict.items():
        if (isinstance(key, str) and looks_secret(key)) or (
            not isinstance(value, _PLAIN) and isinstance(value, Mapping)
        ):
            return _masked(event_dict)
    return event_dict


_PLAIN = (str, int, float, type(None))  # never a Mapping: skip the ABC check


def _masked(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: MASK
        if isinstance(key, str) and looks_secret(key)
        else _masked(value)
        if isinstance(value, Mapping)
        else value
        for key, value in values.items()
    }
