"""Event base classes (ARCHITECTURE.md §3).

- `DomainEvent`: raised by an aggregate, handled inside its own context and transaction.
- `IntegrationEvent`: a context's public announcement, declared in its `contracts.py`,
  frozen and versioned; its fields are the payload and must be JSON-safe (ids, strings,
  numbers, Decimal, datetime, Money, and tuples of frozen dataclasses of those).

Every `IntegrationEvent` subclass registers itself under `(event_type, version)` when it is
declared, so a context only writes dataclasses in its `contracts.py`; the event bus finds
the class again when it decodes a stored event, and the catalog lists them all.
"""

from dataclasses import dataclass
from typing import ClassVar


class UnknownEvent(LookupError):
    """No integration event is declared under this type and version."""


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Something that happened inside an aggregate."""


_registry: dict[tuple[str, int], type["IntegrationEvent"]] = {}


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
        _register(cls)


def _register(cls: type[IntegrationEvent]) -> None:
    """Keep one class per (type, version); a class re-created under the same name replaces it.

    `@dataclass(slots=True)` builds a second class from the first, and a module reloaded in
    a shell declares its classes again: both are the same declaration, not a clash.
    """
    key = (cls.event_type, cls.version)
    known = _registry.get(key)
    if known is not None and _origin(known) != _origin(cls):
        raise TypeError(
            f"{_origin(cls)} declares {cls.event_type} v{cls.version}, "
            f"already declared by {_origin(known)}: bump the version or rename the event."
        )
    _registry[key] = cls


def _origin(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def integration_event_class(event_type: str, version: int) -> type[IntegrationEvent]:
    """The class declared for a stored event; `UnknownEvent` when this code has none."""
    try:
        return _registry[(event_type, version)]
    except KeyError:
        raise UnknownEvent(f"No integration event {event_type} v{version} is declared.") from None


def registered_integration_events() -> list[type[IntegrationEvent]]:
    """Every declared integration event, by type then version (the catalog's order)."""
    return [_registry[key] for key in sorted(_registry)]


def publisher_of(event_class: type[IntegrationEvent]) -> str:
    """The context that declares an event: `contexts.<name>.contracts` gives `<name>`."""
    parts = event_class.__module__.split(".")
    if len(parts) >= 3 and parts[0] == "contexts":
        return parts[1]
    return event_class.__module__
