"""The unit-of-work port: one use case, one transaction, its events published with it."""

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self

from shared_kernel.domain.aggregate import AggregateRoot
from shared_kernel.domain.events import DomainEvent, IntegrationEvent


class UnitOfWork(ABC):
    """Use cases run inside `with uow:`; leaving the block normally commits, raising rolls back.

    Integration events published inside the block are stored with the change (the outbox)
    and delivered only after commit; a rolled-back use case leaves nothing behind.
    """

    @abstractmethod
    def __enter__(self) -> Self: ...

    @abstractmethod
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    @abstractmethod
    def publish(self, event: IntegrationEvent, *, aggregate_id: str, sequence: int = 0) -> None:
        """Queue an integration event for delivery after this unit of work commits."""

    def collect(self, *aggregates: AggregateRoot) -> list[DomainEvent]:
        """Publish the integration events the aggregates raised, in the order they raised
        them, with each aggregate's id and sequence; hand back their domain events, which
        the use case handles inside its context, in this same transaction."""
        domain_events: list[DomainEvent] = []
        for aggregate in aggregates:
            for recorded in aggregate.collect_events():
                if isinstance(recorded.event, IntegrationEvent):
                    self.publish(
                        recorded.event,
                        aggregate_id=recorded.aggregate_id,
                        sequence=recorded.sequence,
                    )
                else:
                    domain_events.append(recorded.event)
        return domain_events
