"""Inventory's subscribers: its part in the order saga (ARCHITECTURE.md §4), and catalog's
new SKUs.

Doors like the API and the admin: an event in, one use case, nothing out but what the use
case publishes. Registered by `InventoryConfig.ready()`; all async, on the `inventory`
queue. The bus runs each handler in one transaction with its inbox row, so an event
delivered twice has one effect. The order's events carry the order's version as their
sequence (the envelope's): a reservation ignores one older than the last it applied.

- `inventory.open_stock` on `SkuCreated`: a row at 0, unless the SKU has one.
- `inventory.reserve_stock` on `OrderPlaced`: every line held, or none
  (`StockReserved` | `StockReservationFailed`).
- `inventory.commit_reservation` on `OrderConfirmed`: the held units leave the shelf; an
  expired hold is taken again if the stock is there, else `StockCommitFailed`.
- `inventory.release_reservation` on `OrderRejected`: the held units are available again.
- `inventory.return_stock` on `OrderCancelled`: committed units go back on the shelf.
"""

from contexts.catalog.contracts import SkuCreated
from contexts.inventory.application.services import inventory_use_cases
from contexts.ordering.contracts import OrderCancelled, OrderConfirmed, OrderPlaced, OrderRejected
from shared_kernel.messaging.bus import subscribe
from shared_kernel.messaging.envelope import Envelope


def open_stock(event: SkuCreated) -> None:
    inventory_use_cases().open_stock(sku=event.sku)


def reserve_stock(event: OrderPlaced, envelope: Envelope) -> None:
    inventory_use_cases().reserve_stock(
        order_id=event.order_id,
        lines=[(line.sku, line.quantity) for line in event.lines],
        order_sequence=envelope.sequence,
    )


def commit_reservation(event: OrderConfirmed, envelope: Envelope) -> None:
    inventory_use_cases().commit_reservation(
        order_id=event.order_id, order_sequence=envelope.sequence
    )


def release_reservation(event: OrderRejected, envelope: Envelope) -> None:
    inventory_use_cases().release_reservation(
        order_id=event.order_id, order_sequence=envelope.sequence
    )


def return_stock(event: OrderCancelled, envelope: Envelope) -> None:
    inventory_use_cases().return_stock(order_id=event.order_id, order_sequence=envelope.sequence)


def register() -> None:
    subscribe(SkuCreated, open_stock, name="inventory.open_stock")
    subscribe(OrderPlaced, reserve_stock, name="inventory.reserve_stock")
    subscribe(OrderConfirmed, commit_reservation, name="inventory.commit_reservation")
    subscribe(OrderRejected, release_reservation, name="inventory.release_reservation")
    subscribe(OrderCancelled, return_stock, name="inventory.return_stock")
