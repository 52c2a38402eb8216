"""Reservation expiry: the beat task releases holds past `RESERVATION_TTL_SECONDS` and
publishes `ReservationExpired`; a late `OrderConfirmed` then takes the stock again, or
fails with `StockCommitFailed`."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from pytest_django.fixtures import Settings

from config.celery import app
from contexts.inventory import tasks
from contexts.inventory.application.services import inventory_use_cases
from contexts.inventory.models import Reservation, Stock
from shared_kernel.messaging.models import OutboxEvent

pytestmark = pytest.mark.django_db


def levels(sku: str) -> tuple[int, int]:
    row = Stock.objects.get(sku=sku)
    return row.on_hand, row.reserved


def reserve(order: uuid.UUID, *lines: tuple[str, int]) -> None:
    inventory_use_cases().reserve_stock(order_id=order, lines=list(lines), order_sequence=1)


def age(order: uuid.UUID, seconds: int) -> None:
    """Move the reservation's expiry into the past, as if it had been held that long."""
    row = Reservation.objects.get(order_id=order)
    Reservation.objects.filter(pk=row.pk).update(
        expires_at=timezone.now() - timedelta(seconds=seconds)
    )


@pytest.fixture(autouse=True)
def stock() -> None:
    inventory_use_cases().open_stock(sku="A")
    inventory_use_cases().restock(sku="A", quantity=5, by=None)


def test_beat_runs_the_task_on_the_inventory_queue() -> None:
    entry: dict[str, Any] = django_settings.CELERY_BEAT_SCHEDULE["inventory-expire-reservations"]
    assert entry["task"] == "inventory.expire_reservations"
    assert entry["options"]["queue"] == "inventory"
    assert "inventory.expire_reservations" in app.tasks


def test_a_reservation_is_held_for_the_ttl(settings: Settings) -> None:
    settings.RESERVATION_TTL_SECONDS = 60
    order = uuid.uuid4()
    before = timezone.now()
    reserve(order, ("A", 2))
    expires_at = Reservation.objects.get(order_id=order).expires_at
    assert expires_at is not None
    assert before + timedelta(seconds=60) <= expires_at <= timezone.now() + timedelta(seconds=60)
    assert tasks.expire_reservations() == 0
    assert levels("A") == (5, 2)


def test_an_expired_reservation_frees_its_stock_and_says_so() -> None:
    order, fresh = uuid.uuid4(), uuid.uuid4()
    reserve(order, ("A", 2))
    reserve(fresh, ("A", 1))
    age(order, 1)
    assert tasks.expire_reservations() == 1
    assert levels("A") == (5, 1)
    reservation = Reservation.objects.get(order_id=order)
    assert reservation.status == "expired"
    [expired] = OutboxEvent.objects.filter(event_type="ReservationExpired")
    assert expired.payload == {"order_id": str(order), "reservation_id": str(reservation.id)}
    assert expired.aggregate_id == str(reservation.id)
    assert tasks.expire_reservations() == 0


def test_a_late_confirmation_takes_the_stock_again_when_it_is_there() -> None:
    order = uuid.uuid4()
    reserve(order, ("A", 2))
    age(order, 1)
    tasks.expire_reservations()
    inventory_use_cases().commit_reservation(order_id=order, order_sequence=4)
    assert levels("A") == (3, 0)
    assert not OutboxEvent.objects.filter(event_type="StockCommitFailed").exists()


def test_a_late_confirmation_without_the_stock_publishes_stock_commit_failed() -> None:
    order = uuid.uuid4()
    reserve(order, ("A", 2))
    age(order, 1)
    tasks.expire_reservations()
    reserve(uuid.uuid4(), ("A", 4))
    inventory_use_cases().commit_reservation(order_id=order, order_sequence=4)
    assert levels("A") == (5, 4)
    [failed] = OutboxEvent.objects.filter(event_type="StockCommitFailed")
    reservation = Reservation.objects.get(order_id=order)
    assert failed.payload == {"order_id": str(order), "reservation_id": str(reservation.id)}
