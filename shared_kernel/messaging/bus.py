"""Subscriptions to integration events, declared in code, and the catalog built from them.

A context subscribes in its `AppConfig.ready`, with a function or as a decorator::

    from shared_kernel.messaging.bus import subscribe, subscriber

    subscribe(UserRegistered, send_welcome_email, name="notifications.send_welcome_email")

    @subscriber(OrderPlaced, name="inventory.reserve_stock", mode="inline")
    def reserve_stock(event: OrderPlaced, envelope: Envelope) -> None: ...

- `name` is unique and stable: it keys the deliveries and the inbox, so renaming a
  subscriber makes it a new one. Its first dotted part is the subscribing context.
- `mode="async"` (the default) runs the handler as a Celery task on `queue` (the context's
  queue by default); `mode="inline"` runs it in the process that commits, right after commit.
- A handler takes the event, or the event and its `Envelope` (sequence, ids, time).
- The bus runs each handler in one transaction with its inbox row, so a handler gets
  idempotency for free: it never runs twice, to completion, for the same event.

The publisher of an event is the context whose `contracts.py` declares it; `catalog()`
lists every event type with its publisher and subscribers.
"""

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from shared_kernel.domain.events import (
    IntegrationEvent,
    publisher_of,
    registered_integration_events,
)
from shared_kernel.messaging.envelope import Envelope
from shared_kernel.messaging.serialization import describe_event

Mode = Literal["async", "inline"]
Handler = Callable[..., None]
H = TypeVar("H", bound=Handler)


@dataclass(frozen=True, slots=True)
class Subscription:
    event_class: type[IntegrationEvent]
    handler: Handler
    name: str
    queue: str
    mode: Mode
    wants_envelope: bool

    def run(self, event: IntegrationEvent, envelope: Envelope) -> None:
        if self.wants_envelope:
            self.handler(event, envelope)
        else:
            self.handler(event)


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    event_type: str
    version: int
    publisher: str
    schema: dict[str, Any]
    subscribers: tuple[Subscription, ...]


class SubscriptionError(ValueError):
    """A subscription that cannot work: a duplicate name, a bad mode, a handler's signature."""


_subscriptions: dict[str, Subscription] = {}
_handling: ContextVar[Envelope | None] = ContextVar("handling_event", default=None)


def subscribe(
    event_class: type[IntegrationEvent],
    handler: Handler,
    *,
    name: str,
    queue: str | None = None,
    mode: Mode = "async",
) -> Subscription:
    """Have `handler` receive every `event_class` event published from now on."""
    if mode not in ("async", "inline"):
        raise SubscriptionError(f"{name}: mode must be 'async' or 'inline', not {mode!r}.")
    subscription = Subscription(
        event_class=event_class,
        handler=handler,
        name=name,
        queue=queue or name.split(".", 1)[0],
        mode=mode,
        wants_envelope=_wants_envelope(handler, name),
    )
    known = _subscriptions.get(name)
    if known is not None and known != subscription:
        raise SubscriptionError(f"A subscriber named {name!r} already exists.")
    _subscriptions[name] = subscription
    return subscription


def subscriber(
    event_class: type[IntegrationEvent],
    *,
    name: str,
    queue: str | None = None,
    mode: Mode = "async",
) -> Callable[[H], H]:
    """`subscribe` as a decorator; the module must be imported (from `AppConfig.ready`)."""

    def register(handler: H) -> H:
        subscribe(event_class, handler, name=name, queue=queue, mode=mode)
        return handler

    return register


def unsubscribe(name: str) -> None:
    """Forget a subscriber (tests); its existing deliveries stay and fail visibly."""
    _subscriptions.pop(name, None)


def subscriptions_to(event_class: type[IntegrationEvent]) -> list[Subscription]:
    return [s for s in _subscriptions.values() if s.event_class is event_class]


def subscription_named(name: str) -> Subscription | None:
    return _subscriptions.get(name)


def catalog() -> list[CatalogEntry]:
    """Every declared event type with its publisher and subscribers (the event catalog)."""
    return [
        CatalogEntry(
            event_type=event_class.event_type,
            version=event_class.version,
            publisher=publisher_of(event_class),
            schema=describe_event(event_class),
            subscribers=tuple(subscriptions_to(event_class)),
        )
        for event_class in registered_integration_events()
    ]


def event_being_handled() -> Envelope | None:
    """The envelope of the event whose handler is running here, if any (for causation)."""
    return _handling.get()


@contextmanager
def handling(envelope: Envelope) -> Iterator[None]:
    """Mark the events published meanwhile as caused by this one."""
    token = _handling.set(envelope)
    try:
        yield
    finally:
        _handling.reset(token)


def _wants_envelope(handler: Handler, name: str) -> bool:
    positional = [
        p
        for p in inspect.signature(handler).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    if len(positional) not in (1, 2):
        raise SubscriptionError(f"{name}: a handler takes (event) or (event, envelope).")
    return len(positional) == 2
