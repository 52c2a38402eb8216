"""No overselling, no deadlock, no lost update, on PostgreSQL under real concurrency.

Threads call the use cases the subscribers and the API call, each thread on its own
database connection (closed when it ends), at most 50 at once (ARCHITECTURE.md §8).
Stock rows are locked `FOR UPDATE` in order of their codes (ADR 0026): these tests fail
without it (overselling, 409s from the versioned save, or PostgreSQL's deadlock detector).
"""

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial
from typing import TypeVar

import pytest
from django.db import connections
from django.utils import timezone

from contexts.inventory.application.ports import ReservationAlreadyOpen
from contexts.inventory.application.services import inventory_use_cases
from contexts.inventory.domain.errors import BelowReserved
from contexts.inventory.models import Reservation, Stock, StockMovement
from shared_kernel.messaging.models import OutboxEvent
from tests.inventory.conftest import FakeCatalog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

T = TypeVar("T")
THREADS = 50


def at_once(count: int, work: Callable[[int], T]) -> list[T | Exception]:
    """Run `work(0)` … `work(count - 1)` in `count` threads released together."""
    start = threading.Barrier(count)

    def run(index: int) -> T | Exception:
        try:
            start.wait()
            return work(index)
        except Exception as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def levels(sku: str) -> tuple[int, int]:
    row = Stock.objects.get(sku=sku)
    return row.on_hand, row.reserved


def stocked(**on_hand: int) -> None:
    for sku, quantity in on_hand.items():
        inventory_use_cases().open_stock(sku=sku)
        if quantity:
            inventory_use_cases().restock(sku=sku, quantity=quantity, by=None)


def stock_changed_sequences(sku: str) -> list[int]:
    rows = OutboxEvent.objects.filter(event_type="StockChanged", payload__sku=sku)
    return sorted(rows.values_list("sequence", flat=True))


def test_200_single_unit_orders_for_50_units_reserve_exactly_50() -> None:
    stocked(A=50)

    def four_orders(_: int) -> None:
        for _order in range(4):
            inventory_use_cases().reserve_stock(
                order_id=uuid.uuid4(), lines=[("A", 1)], order_sequence=1
            )

    errors = [r for r in at_once(THREADS, four_orders) if isinstance(r, Exception)]

    assert errors == []
    assert levels("A") == (50, 50)
    assert Reservation.objects.filter(status="held").count() == 50
    assert Reservation.objects.filter(status="refused").count() == 150
    assert OutboxEvent.objects.filter(event_type="StockReserved").count() == 50
    assert OutboxEvent.objects.filter(event_type="StockReservationFailed").count() == 150
    # One StockChanged per change of the row, none lost, none twice: open, restock, 50 holds.
    assert stock_changed_sequences("A") == list(range(1, 53))


def test_orders_of_two_skus_in_opposite_line_order_never_deadlock() -> None:
    rounds = 25
    stocked(A=rounds * 2, B=rounds * 2)
    for _ in range(rounds):
        first, second = uuid.uuid4(), uuid.uuid4()
        placing = at_once(2, partial(place_in_opposite_order, first, second))
        settling = at_once(2, partial(confirm_first_reject_second, first, second))
        assert [r for r in placing + settling if r is not None] == []

    # Each round: one order committed (one of each SKU gone), the other released.
    assert levels("A") == (rounds, 0)
    assert levels("B") == (rounds, 0)


def place_in_opposite_order(first: uuid.UUID, second: uuid.UUID, index: int) -> None:
    order, lines = (first, [("A", 1), ("B", 1)]) if index == 0 else (second, [("B", 1), ("A", 1)])
    inventory_use_cases().reserve_stock(order_id=order, lines=lines, order_sequence=1)


def confirm_first_reject_second(first: uuid.UUID, second: uuid.UUID, index: int) -> None:
    if index == 0:
        inventory_use_cases().commit_reservation(order_id=first, order_sequence=4)
    else:
        inventory_use_cases().release_reservation(order_id=second, order_sequence=3)


def test_concurrent_restocks_of_one_sku_lose_no_update() -> None:
    stocked(A=0)

    def restock(_: int) -> None:
        inventory_use_cases().restock(sku="A", quantity=1, by=None)

    assert [r for r in at_once(20, restock) if r is not None] == []
    assert levels("A") == (20, 0)
    assert StockMovement.objects.filter(kind="restock").count() == 20
    assert stock_changed_sequences("A") == list(range(1, 21 + 1))


def test_first_restocks_of_a_sku_the_catalog_knows_open_one_row(catalog: FakeCatalog) -> None:
    catalog.know("NEW")

    def restock(_: int) -> None:
        inventory_use_cases().restock(sku="NEW", quantity=1, by=None)

    assert [r for r in at_once(10, restock) if r is not None] == []
    assert levels("NEW") == (10, 0)
    assert stock_changed_sequences("NEW") == list(range(1, 12))


def test_an_adjustment_racing_a_reservation_never_leaves_stock_below_reserved() -> None:
    for round_ in range(10):
        sku = f"R{round_}"
        stocked(**{sku: 10})

        def reserve_or_adjust(index: int, sku: str = sku) -> None:
            if index == 0:
                inventory_use_cases().reserve_stock(
                    order_id=uuid.uuid4(), lines=[(sku, 6)], order_sequence=1
                )
            else:
                inventory_use_cases().adjust_stock(sku=sku, quantity=-6, reason="race", by=None)

        results = at_once(2, reserve_or_adjust)
        on_hand, reserved = levels(sku)
        assert (on_hand, reserved) in {(10, 6), (4, 0)}
        assert [type(r) for r in results if r is not None] in ([], [BelowReserved])
        assert (results[1] is None) == (on_hand == 4)


def reserved_and_due(order: uuid.UUID, sku: str) -> None:
    inventory_use_cases().reserve_stock(order_id=order, lines=[(sku, 1)], order_sequence=1)
    Reservation.objects.filter(order_id=order).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_late_confirmation_racing_the_expiry_takes_the_unit_once() -> None:
    rounds = 10
    stocked(A=rounds * 2)
    for _ in range(rounds):
        order = uuid.uuid4()
        reserved_and_due(order, "A")

        def expire_or_confirm(index: int, order: uuid.UUID = order) -> None:
            if index == 0:
                inventory_use_cases().expire_reservations()
            else:
                inventory_use_cases().commit_reservation(order_id=order, order_sequence=4)

        assert [r for r in at_once(2, expire_or_confirm) if r is not None] == []
        assert Reservation.objects.get(order_id=order).status == "committed"

    # Expired first (the unit freed, then taken again) or confirmed first: one unit each.
    assert levels("A") == (rounds, 0)
    assert not OutboxEvent.objects.filter(event_type="StockCommitFailed").exists()
    assert stock_changed_sequences("A") == list(range(1, len(stock_changed_sequences("A")) + 1))


def test_two_expiry_runs_at_once_expire_each_reservation_once() -> None:
    stocked(A=10)
    for _ in range(10):
        reserved_and_due(uuid.uuid4(), "A")

    runs = at_once(2, lambda _: inventory_use_cases().expire_reservations())

    assert sum(run for run in runs if isinstance(run, int)) == 10
    assert levels("A") == (10, 0)
    assert OutboxEvent.objects.filter(event_type="ReservationExpired").count() == 10


def test_an_order_placed_and_rejected_at_once_holds_nothing() -> None:
    stocked(A=5)
    for _ in range(10):
        order = uuid.uuid4()

        def place_or_reject(index: int, order: uuid.UUID = order) -> None:
            """The loser of the race to open the reservation is retried, as the bus does."""
            use_cases = inventory_use_cases()
            for attempt in range(2):
                try:
                    if index == 0:
                        use_cases.reserve_stock(order_id=order, lines=[("A", 2)], order_sequence=1)
                    else:
                        use_cases.release_reservation(order_id=order, order_sequence=3)
                    return
                except ReservationAlreadyOpen:
                    if attempt:
                        raise

        assert [r for r in at_once(2, place_or_reject) if r is not None] == []
        assert Reservation.objects.get(order_id=order).order_sequence == 3

    assert levels("A") == (5, 0)
