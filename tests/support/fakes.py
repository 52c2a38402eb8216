"""In-memory fakes of shared_kernel ports, for any context's use-case tests."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Self

from shared_kernel.application.unit_of_work import UnitOfWork
from shared_kernel.domain.events import IntegrationEvent


@dataclass(frozen=True, slots=True)
class PublishedEvent:
    event: IntegrationEvent
    aggregate_id: str
    sequence: int


class FakeUnitOfWork(UnitOfWork):
    """Behaves like the real one where tests can see it: events published inside the block
    count only once it ends without an exception (`published`); a failed block leaves none.

    Pass one instance as the use case's `new_uow` factory: `new_uow=lambda: uow`.
    """

    def __init__(self) -> None:
        self.published: list[PublishedEvent] = []
        self.commits = 0
        self.rollbacks = 0
        self._staged: list[PublishedEvent] | None = None

    def __enter__(self) -> Self:
        if self._staged is not None:
            raise RuntimeError("This fake unit of work is already open.")
        self._staged = []
        return self

    def __exit__(
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
            self.rollbacks += 1

    def publish(self, event: IntegrationEvent, *, aggregate_id: str, sequence: int = 0) -> None:
        if self._staged is None:
            raise RuntimeError("Publish inside `with uow:`, so the event commits with the change.")
        self._staged.append(PublishedEvent(event, aggregate_id, sequence))

    @property
    def events(self) -> list[IntegrationEvent]:
        return [published.event for published in self.published]


class FakeClock:
    """A clock tests move by hand: `clock.advance(minutes=61)`."""

    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)
