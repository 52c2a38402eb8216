"""The unit of work on Django: one `transaction.atomic`, its events written to the outbox.

    with DjangoUnitOfWork():
        account = accounts.get(user_id)      # the repository tracks it
        account.deactivate()                  # raises its events
        accounts.save(account)                # versioned: a concurrent change is a 409

The events the tracked aggregates raised (and any published by hand, for the bus's own
tests) are staged, then written (one event row, one delivery row per subscriber) just
before the block commits, in the same transaction; the relay hands the deliveries over
once it has committed. An exception leaves nothing: no row, no handover.

Nested in an open transaction (a subscriber's, another unit of work's), the block is a
savepoint: its events commit with the outer transaction and are handed over after it.

One database for the whole pipeline: the default one, where the relay, the consumer and the
inbox read. A unit of work on another database would write deliveries nobody delivers.
"""

from types import TracebackType

from django.db import transaction

from shared_kernel.application.unit_of_work import UnitOfWork
from shared_kernel.domain.events import IntegrationEvent
from shared_kernel.messaging import outbox


class DjangoUnitOfWork(UnitOfWork):
    def __init__(self) -> None:
        self._atomic: transaction.Atomic | None = None
        self._staged: list[outbox.StagedEvent] = []

    def _begin(self) -> None:
        self._staged = []
        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def _end(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        atomic, self._atomic = self._atomic, None
        assert atomic is not None, "_end without _begin"
        staged, self._staged = self._staged, []
        if exc_type is None:
            try:
                outbox.store(staged)
            except BaseException as error:
                atomic.__exit__(type(error), error, error.__traceback__)
                raise
        atomic.__exit__(exc_type, exc, traceback)

    def publish(self, event: IntegrationEvent, *, aggregate_id: str, sequence: int = 0) -> None:
        if self._atomic is None:
            raise RuntimeError("Publish inside `with uow:`, so the event commits with the change.")
        self._staged.append(outbox.stage(event, aggregate_id=aggregate_id, sequence=sequence))
