"""Inventory's repositories and the database's own guarantees, through the real use cases."""

import uuid

import pytest
from django.db import IntegrityError, transaction

from contexts.inventory.application.ports import ReservationAlreadyOpen, StockAlreadyOpen
from contexts.inventory.application.services import inventory_use_cases
from contexts.inventory.contracts import StockChanged
from contexts.inventory.domain.errors import BelowReserved
from contexts.inventory.domain.reservation import Reservation, ReservationStatus
from contexts.inventory.domain.stock import Stock, stock_id
from contexts.inventory.infrastructure.repositories import (
    DjangoReservationRepository,
    DjangoStockRepository,
)
from contexts.inventory.models import Reservation as ReservationRow
from contexts.inventory.models import Stock as StockRow
from contexts.inventory.models import StockMovement
from shared_kernel.messaging.models import OutboxEvent
from shared_kernel.messaging.serialization import decode_event
from tests.inventory.conftest import FakeCatalog

pytestmark = pytest.mark.django_db
STAFF = uuid.uuid4()


def levels(sku: str) -> tuple[int, int]:
    row = StockRow.objects.get(sku=sku)
    return row.on_hand, row.reserved


def test_restock_of_a_catalog_sku_opens_its_row_and_publishes_each_change(
    catalog: FakeCatalog,
) -> None:
    catalog.know("SHIRT-M")
    inventory_use_cases().restock(sku="shirt-m", quantity=5, by=STAFF)
    assert levels("SHIRT-M") == (5, 0)
    rows = OutboxEvent.objects.filter(event_type="StockChanged").order_by("sequence")
    assert [(row.aggregate_id, row.sequence) for row in rows] == [
        (str(stock_id("SHIRT-M")), 1),
        (str(stock_id("SHIRT-M")), 2),
    ]
    assert decode_event(StockChanged, rows[1].payload) == StockChanged(
        sku="SHIRT-M", on_hand=5, reserved=0, available=5
    )
    movement = StockMovement.objects.get()
    assert (movement.kind, movement.quantity, movement.by, movement.on_hand_after) == (
        "restock",
        5,
        STAFF,
        5,
    )


def test_a_refused_adjustment_leaves_no_trace(catalog: FakeCatalog) -> None:
    catalog.know("A")
    use_cases = inventory_use_cases()
    use_cases.restock(sku="A", quantity=2, by=STAFF)
    use_cases.reserve_stock(order_id=uuid.uuid4(), lines=[("A", 2)], order_sequence=1)
    events_before = OutboxEvent.objects.count()
    with pytest.raises(BelowReserved):
        use_cases.adjust_stock(sku="A", quantity=-1, reason="broken", by=STAFF)
    assert levels("A") == (2, 2)
    assert OutboxEvent.objects.count() == events_before
    assert StockMovement.objects.count() == 1


def test_a_reservation_round_trips() -> None:
    order = uuid.uuid4()
    inventory_use_cases().open_stock(sku="A")
    inventory_use_cases().restock(sku="A", quantity=3, by=None)
    inventory_use_cases().reserve_stock(order_id=order, lines=[("A", 2)], order_sequence=1)
    reservation = DjangoReservationRepository().lock_for_order(order)
    assert reservation is not None
    assert (reservation.status, reservation.skus, reservation.order_sequence) == (
        ReservationStatus.HELD,
        ["A"],
        1,
    )
    assert ReservationRow.objects.get().lines == [{"sku": "A", "quantity": 2}]


def test_a_second_reservation_of_one_order_is_refused() -> None:
    order = uuid.uuid4()
    repository = DjangoReservationRepository()
    repository.add(Reservation.released_before_placed(order_id=order, order_sequence=3))
    with pytest.raises(ReservationAlreadyOpen):
        repository.add(Reservation.released_before_placed(order_id=order, order_sequence=4))


def test_a_second_row_for_one_sku_is_refused() -> None:
    repository = DjangoStockRepository()
    repository.add(Stock.open("A"))
    with pytest.raises(StockAlreadyOpen):
        repository.add(Stock.open("A"))
    assert StockRow.objects.count() == 1


def test_the_database_refuses_oversold_or_negative_stock() -> None:
    inventory_use_cases().open_stock(sku="A")
    for on_hand, reserved in [(1, 2), (-1, 0), (1, -1)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            StockRow.objects.filter(sku="A").update(on_hand=on_hand, reserved=reserved)
