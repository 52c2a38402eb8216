"""The aggregate-root base: collects the events it raises and counts its sequence.

The sequence goes up by one with every event the aggregate raises; it travels on the
integration events' envelope so consumers can ignore an event older than what they hold.
"""

from dataclasses import dataclass

from shared_kernel.domain.events import DomainEvent, IntegrationEvent

Event = DomainEvent | IntegrationEvent


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """An event with the aggregate's sequence number at the moment it was raised."""

    event: Event
    aggregate_id: str
    sequence: int


class AggregateRoot:
    def __init__(self, *, sequence: int = 0) -> None:
        self._sequence = sequence
        self._pending_events: list[RecordedEvent] = []

    @property
    def aggregate_id(self) -> str:
        """The id events travel with; subclasses holding `id` need not override."""
        return str(getattr(self, "id"))  # noqa: B009

    @property
    def sequence(self) -> int:
        return self._sequence

    def record(self, event: Event) -> None:
        """Raise an event: it waits here until the unit of work collects it."""
        self._sequence += 1
        self._pending_events.append(RecordedEvent(event, self.aggregate_id, self._sequence))

    def collect_events(self) -> list[RecordedEvent]:
        """Hand the pending events over, once: a second call returns none."""
        events, self._pending_events = self._pending_events, []
        return events
