"""Inventory's periodic work, run by beat on the `inventory` queue.

`inventory.expire_reservations` (every `RESERVATION_EXPIRY_INTERVAL_SECONDS`) releases the
reservations held past `RESERVATION_TTL_SECONDS`, each in its own unit of work publishing
`ReservationExpired`. Two runs at once are harmless: each reservation is locked and checked
again before it is expired, so one of them finds it expired already and skips it.
"""

from celery import shared_task

from contexts.inventory.application.services import inventory_use_cases


@shared_task(name="inventory.expire_reservations", ignore_result=True)
def expire_reservations() -> int:
    """The number of reservations expired in this run."""
    return inventory_use_cases().expire_reservations()
