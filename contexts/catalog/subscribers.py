"""Catalog's subscribers: the integration events of other contexts catalog handles.

A door like the API and the admin: an event in, one use case. Registered by
`CatalogConfig.ready()`; the bus runs each handler in one transaction with its inbox row,
so an event delivered twice has one effect.

- `catalog.track_availability` (async, on catalog's queue) on inventory's `StockChanged`:
  the availability read model behind `in_stock` and each SKU's `available`, applied only
  when the event's sequence (the stock row's version) is newer than the one held.
"""

from contexts.catalog.application.services import catalog_use_cases
from contexts.inventory.contracts import StockChanged
from shared_kernel.messaging.bus import subscribe
from shared_kernel.messaging.envelope import Envelope

TRACK_AVAILABILITY_SUBSCRIBER = "catalog.track_availability"


def track_availability(event: StockChanged, envelope: Envelope) -> None:
    catalog_use_cases().record_availability(
        sku=event.sku, available=event.available, sequence=envelope.sequence
    )


def register() -> None:
    subscribe(StockChanged, track_availability, name=TRACK_AVAILABILITY_SUBSCRIBER)
