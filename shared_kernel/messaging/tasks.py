"""The event bus's Celery tasks: the periodic relay and the outbox's housekeeping.

`deliver`, the task that runs an asynchronous subscriber, lives with the code it runs
(`consumer`); importing it here registers it wherever tasks are autodiscovered.
"""

from dataclasses import asdict

from celery import shared_task

from shared_kernel.messaging import operations, relay
from shared_kernel.messaging.consumer import deliver

__all__ = ["deliver", "prune_outbox", "relay_outbox"]


@shared_task(name="shared_kernel.messaging.relay_outbox", queue="outbox", ignore_result=True)
def relay_outbox() -> int:
    """Hand over whatever is due (beat, every OUTBOX_RELAY_INTERVAL_SECONDS)."""
    return relay.sweep()


@shared_task(name="shared_kernel.messaging.prune_outbox", queue="outbox", ignore_result=True)
def prune_outbox() -> dict[str, int]:
    """Delete what the retention settings no longer keep, so the tables stop growing."""
    return asdict(operations.prune())
