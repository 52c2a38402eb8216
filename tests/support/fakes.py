"""In-memory fakes of shared_kernel ports, for any context's use-case tests.

They behave like the real ones where a use case can tell: the fake unit of work publishes
what the tracked aggregates raised only when its block ends cleanly, and rolls back every
in-memory store it was given when the block raises; the fake repository keeps copies and
saves only the version it loaded, like `UPDATE … WHERE version = <loaded>`.
"""

import copy
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Generic, TypeVar

from shared_kernel.application.unit_of_work import UnitOfWork, track
from shared_kernel.domain.aggregate import AggregateRoot, StaleAggregate
from shared_kernel.domain.events import IntegrationEvent

A = TypeVar("A", bound=AggregateRoot)


@dataclass(frozen=True, slots=True)
class PublishedEvent:
    event: IntegrationEvent
    aggregate_id: str
    sequence: int


class InMemoryStore:
    """Rows a fake repository keeps; the fake unit of work snapshots and restores them."""

    def __init__(self) -> None:
        self.rows: dict[str, object] = {}

    def snapshot(self) -> dict[str, object]:
        return copy.deepcopy(self.rows)

    def restore(self, snapshot: dict[str, object]) -> None:
        self.rows = snapshot


class InMemoryRepository(InMemoryStore, Generic[A]):
    """A versioned aggregate store: hands out copies, saves the version it handed out."""

    def _load(self, key: str) -> A | None:
        stored = self.rows.get(key)
        if stored is None:
            return None
        aggregate: A = copy.deepcopy(stored)  # type: ignore[assignment]
        aggregate.collect_events()  # loaded fresh: what it raised before was collected then
        track(aggregate)
        return aggregate

    def _all(self) -> Iterator[A]:
        for key in list(self.rows):
            found = self._load(key)
            if found is not None:
                yield found

    def _insert(self, aggregate: A) -> None:
        aggregate.mark_saved()
        self.rows[aggregate.aggregate_id] = copy.deepcopy(aggregate)
        track(aggregate)

    def _update(self, aggregate: A) -> None:
        stored = self.rows.get(aggregate.aggregate_id)
        if not isinstance(stored, AggregateRoot) or stored.version != aggregate.version:
            raise StaleAggregate(aggregate)
        aggregate.mark_saved()
        self.rows[aggregate.aggregate_id] = copy.deepcopy(aggregate)
        track(aggregate)


class FakeUnitOfWork(UnitOfWork):
    """Pass its `factory` as the use cases' `uow` port. `published` holds the events of the
    blocks that ended cleanly; a block that raised restores every store to its start."""

    def __init__(self, stores: Iterable[InMemoryStore] = ()) -> None:
        self.stores = list(stores)
        self.published: list[PublishedEvent] = []
        self.commits = 0
        self.rollbacks = 0
        self._staged: list[PublishedEvent] | None = None
        self._snapshots: list[dict[str, object]] = []

    @property
    def factory(self) -> Callable[[], "FakeUnitOfWork"]:
        return lambda: self

    def _begin(self) -> None:
        if self._staged is not None:
            raise RuntimeError("This fake unit of work is already open.")
        self._staged = []
        self._snapshots = [store.snapshot() for store in self.stores]

    def _end(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        staged, self._staged = self._staged or [], None
        if exc_type is None:
            self.published.extend(staged)
            self.commits += 1
        else:
            for store, snapshot in zip(self.stores, self._snapshots, strict=True):
                store.restore(snapshot)
            self.rollbacks += 1

    def publish(self, event: IntegrationEvent, *, aggregate_id: str, sequence: int = 0) -> None:
        if self._staged is None:
            raise RuntimeError("Publish inside `with uow:`, so the event commits with the change.")
        self._staged.append(PublishedEvent(event, aggregate_id, sequence))

    @property
    def events(self) -> list[IntegrationEvent]:
        return [published.event for published in self.published]


class FakeClock:
    """A clock tests move by hand: `clock.advance(minutes=61)`; call it for the time."""

    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)
