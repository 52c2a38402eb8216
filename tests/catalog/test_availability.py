"""The availability read model, fed by inventory's `StockChanged` through the bus: the
subscriber `catalog.track_availability` applies an event only when its sequence is newer
than the one held; a SKU not heard of reads 0; a redelivered event has one effect."""

import pytest
from django.utils import timezone

from contexts.catalog.models import SkuAvailability
from contexts.catalog.subscribers import TRACK_AVAILABILITY_SUBSCRIBER
from contexts.inventory.contracts import StockChanged
from shared_kernel.messaging import relay
from shared_kernel.messaging.bus import subscription_named
from shared_kernel.messaging.models import Delivery
from shared_kernel.messaging.testing import eager_delivery
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork

pytestmark = pytest.mark.django_db

PAGE = "/api/v1/catalog/products/linen-shirt"


def stock_changed(sku: str, *, available: int, sequence: int) -> list[int]:
    """Inventory's event as its unit of work would publish it, delivered to catalog alone
    (other contexts' subscribers are not this test's business); the deliveries' ids."""
    event = StockChanged(sku=sku, on_hand=available + 1, reserved=1, available=available)
    with DjangoUnitOfWork() as uow:
        uow.publish(event, aggregate_id=sku, sequence=sequence)
    ids = list(
        Delivery.objects.filter(
            subscriber=TRACK_AVAILABILITY_SUBSCRIBER, status=Delivery.Status.PENDING
        ).values_list("id", flat=True)
    )
    deliver(ids)
    return ids


def deliver(ids: list[int]) -> None:
    with eager_delivery():
        relay.dispatch(ids)


def redeliver(ids: list[int]) -> None:
    """A copy run again as if the delivery had never settled (a replay, a lost ack)."""
    Delivery.objects.filter(id__in=ids).update(
        status=Delivery.Status.PENDING, available_at=timezone.now()
    )
    deliver(ids)


def available(api) -> list[int]:
    return [sku["available"] for sku in api.get(PAGE).json()["skus"]]


def test_catalog_subscribes_to_stock_changed_on_its_own_queue():
    subscription = subscription_named(TRACK_AVAILABILITY_SUBSCRIBER)
    assert subscription is not None
    assert (subscription.event_class, subscription.queue, subscription.mode) == (
        StockChanged,
        "catalog",
        "async",
    )
    assert subscription.wants_envelope


def test_a_sku_not_heard_of_reads_zero_then_what_inventory_said(api, make_product):
    make_product("linen-shirt", prices=("10", "12"))
    assert available(api) == [0, 0]

    stock_changed("LINEN-SHIRT-1", available=6, sequence=2)

    assert available(api) == [0, 6]
    assert api.get(PAGE).json()["in_stock"] is True
    mine = Delivery.objects.get(subscriber=TRACK_AVAILABILITY_SUBSCRIBER)
    assert mine.status == Delivery.Status.DONE


def test_an_older_event_changes_nothing(api, make_product):
    make_product("linen-shirt")
    stock_changed("LINEN-SHIRT-0", available=4, sequence=5)

    stock_changed("LINEN-SHIRT-0", available=9, sequence=3)
    stock_changed("LINEN-SHIRT-0", available=8, sequence=5)

    assert available(api) == [4]
    assert SkuAvailability.objects.get().sequence == 5


def test_a_redelivered_event_has_one_effect(api, make_product):
    """Sequence 0 (a publisher keeping none) always applies: only the inbox keeps the
    first event, redelivered after a second one, from putting its figure back."""
    make_product("linen-shirt")
    first = stock_changed("LINEN-SHIRT-0", available=4, sequence=0)
    stock_changed("LINEN-SHIRT-0", available=7, sequence=0)
    redeliver(first)

    assert available(api) == [7]


def test_a_sku_catalog_lacks_is_held_for_when_it_comes(api, make_product):
    stock_changed("LATER-0", available=2, sequence=1)
    make_product("later")

    assert api.get("/api/v1/catalog/products/later").json()["skus"][0]["available"] == 2
