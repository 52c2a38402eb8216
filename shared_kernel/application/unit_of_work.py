"""The unit-of-work port: one use case, one transaction, the events it caused published with it.

    with self.uow():
        account = self.accounts.get(user_id)
        account.change_profile(full_name=name)
        self.accounts.save(account)

Repositories `track` every aggregate they load, add or save inside the block; when the
block ends without an exception, the unit of work collects what those aggregates raised:
integration events go to the outbox with the aggregate's id and version as `sequence`,
domain events to the handlers their context registered (`on_domain_event`), in the same
transaction. Use cases never publish by hand. A block that raises leaves nothing behind.
"""

from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable
from contextvars import ContextVar, Token
from types import TracebackType
from typing import Any, Self

from shared_kernel.domain.aggregate import AggregateRoot
from shared_kernel.domain.events import DomainEvent, IntegrationEvent

DomainEventHandler = Callable[[Any], None]

_current: ContextVar["UnitOfWork | None"] = ContextVar("unit_of_work", default=None)
_domain_handlers: dict[type[DomainEvent], list[DomainEventHandler]] = defaultdict(list)


def on_domain_event(event_class: type[DomainEvent], handler: DomainEventHandler) -> None:
    """Run `handler` inside the unit of work whose aggregates raise `event_class`."""
    if handler not in _domain_handlers[event_class]:
        _domain_handlers[event_class].append(handler)


def track(aggregate: AggregateRoot) -> None:
    """For repositories: the open unit of work collects this aggregate's events at its end.

    Outside a unit of work (a read) there is nothing to collect, and nothing happens.
    """
    uow = _current.get()
    if uow is not None and all(seen is not aggregate for seen in uow._seen):
        uow._seen.append(aggregate)


class UnitOfWork(ABC):
    """Use cases run inside `with uow:`; leaving the block normally commits, raising rolls back."""

    _seen: list[AggregateRoot]
    _token: Token["UnitOfWork | None"] | None = None

    def __enter__(self) -> Self:
        if self._token is not None:
            raise RuntimeError("This unit of work is already open; make a new one to nest.")
        self._seen = []
        self._begin()
        self._token = _current.set(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        token, self._token = self._token, None
        assert token is not None, "__exit__ without __enter__"
        try:
            if exc_type is None:
                self._collect_and_publish()
        except BaseException as error:
            _current.reset(token)
            self._end(type(error), error, error.__traceback__)
            raise
        _current.reset(token)
        self._end(exc_type, exc, traceback)

    @abstractmethod
    def _begin(self) -> None:
        """Open the transaction."""

    @abstractmethod
    def _end(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Commit, or roll back when an exception is given."""

    @abstractmethod
    def publish(self, event: IntegrationEvent, *, aggregate_id: str, sequence: int = 0) -> None:
        """Queue an integration event for delivery after this unit of work commits."""

    def _collect_and_publish(self) -> None:
        """Until no tracked aggregate has anything left: a domain event's handler may change
        (and save) more aggregates, whose events are collected in turn."""
        while pending := [recorded for seen in self._seen for recorded in seen.collect_events()]:
            for recorded in pending:
                if isinstance(recorded.event, IntegrationEvent):
                    self.publish(
                        recorded.event,
                        aggregate_id=recorded.aggregate_id,
                        sequence=recorded.sequence,
                    )
                else:
                    for handler in _domain_handlers[type(recorded.event)]:
                        handler(recorded.event)
