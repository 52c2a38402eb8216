"""Event base classes (ARCHITECTURE.md §3).

- `DomainEvent`: raised by an aggregate, handled inside its own context and transaction.
- `IntegrationEvent`: a context's public announcement, declared in its `contracts.py`,
  frozen and versioned; its fields are the payload and must be JSON-safe (ids, strings,
  numbers, Decimal, datetime, Money, and tuples of frozen dataclasses of those).
"""

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Something that happened inside an aggregate."""


@dataclass(frozen=True, kw_only=True)
class IntegrationEvent:
    """Something a context tells the others. Subclasses set `event_type` and `version`."""

    event_type: ClassVar[str]
    version: ClassVar[int] = 1
    # Field names whose values are secrets: masked wherever events are shown (admin, logs).
    secret_fields: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "event_type" not in cls.__dict__:
            cls.event_type = cls.__name__
