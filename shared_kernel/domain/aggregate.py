"""The aggregate-root base: a version stored with it, and the events it raises.

The version counts the aggregate's changes. A repository saves with `UPDATE … WHERE
version = <loaded>`, so a change made meanwhile by someone else is a `StaleAggregate`
(409), never a silent lost update (ARCHITECTURE.md §2). Each event raised since the last
save takes the next version as its sequence, and the aggregate's new version is the last
of them (one more for a change that raises none): consumers ignore an event older than
what they hold by that sequence.
"""

from dataclasses import dataclass

from shared_kernel.domain.errors import Conflict
from shared_kernel.domain.events import DomainEvent, IntegrationEvent

Event = DomainEvent | IntegrationEvent


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """An event with the aggregate's version that it brought about."""

    event: Event
    aggregate_id: str
    sequence: int


class StaleAggregate(Conflict):
    title = "Changed meanwhile"
    code = "stale"

    def __init__(self, aggregate: "AggregateRoot") -> None:
        super().__init__(
            f"This {type(aggregate).__name__.lower()} was changed by someone else meanwhile; "
            "reload it and try again."
        )


class UnsavedEvents(RuntimeError):
    """An aggregate raised events its use case never saved: they would be lost."""


class AggregateRoot:
    def __init__(self, *, version: int = 0) -> None:
        self._version = version
        self._raised: list[Event] = []
        self._saved_events: list[RecordedEvent] = []

    @property
    def aggregate_id(self) -> str:
        """The id events travel with; subclasses holding `id` need not override."""
        return str(getattr(self, "id"))  # noqa: B009

    @property
    def version(self) -> int:
        """The version as loaded, or as last saved: what a save expects to find stored."""
        return self._version

    @property
    def next_version(self) -> int:
        """What the next save stores: one more per event raised since, at least one."""
        return self._version + max(1, len(self._raised))

    def record(self, event: Event) -> None:
        """Raise an event: it waits here until it is saved and the unit of work collects it."""
        self._raised.append(event)

    def mark_saved(self) -> None:
        """For repositories, once `next_version` is stored: the raised events take their
        sequences, and the aggregate its new version."""
        first = self._version + 1
        self._saved_events.extend(
            RecordedEvent(event, self.aggregate_id, sequence)
            for sequence, event in enumerate(self._raised, start=first)
        )
        self._version, self._raised = self.next_version, []

    def collect_events(self) -> list[RecordedEvent]:
        """Hand the saved events over, once: a second call returns none."""
        if self._raised:
            kinds = ", ".join(type(event).__name__ for event in self._raised)
            raise UnsavedEvents(
                f"{type(self).__name__} {self.aggregate_id} raised {kinds} unsaved."
            )
        events, self._saved_events = self._saved_events, []
        return events
