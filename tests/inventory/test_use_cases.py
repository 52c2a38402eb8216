"""Inventory's use cases on in-memory fakes: no database, no Django."""

import itertools
import uuid
from collections.abc import Callable

import pytest

from contexts.inventory.contracts import (
    ReservationExpired,
    ReservedLine,
    ShortLine,
    StockChanged,
    StockCommitFailed,
    StockReservationFailed,
    StockReserved,
)
from contexts.inventory.domain.errors import (
    BelowReserved,
    InvalidQuantity,
    ReservationNotYetKnown,
    UnknownSku,
)
from contexts.inventory.domain.reservation import ReservationStatus
from contexts.inventory.domain.stock import MovementKind, stock_id
from shared_kernel.domain.events import IntegrationEvent
from tests.inventory.fakes import InventoryFakes

STAFF = uuid.uuid4()


@pytest.fixture
def fakes() -> InventoryFakes:
    fakes = InventoryFakes()
    fakes.known_skus.update({"A", "B", "NEW"})
    return fakes


def stocked(fakes: InventoryFakes, **on_hand: int) -> InventoryFakes:
    use_cases = fakes.use_cases()
    for sku, quantity in on_hand.items():
        use_cases.open_stock(sku=sku)
        if quantity:
            use_cases.restock(sku=sku, quantity=quantity, by=STAFF)
    fakes.uow.published.clear()
    return fakes


def published(fakes: InventoryFakes, kind: type[IntegrationEvent]) -> list[IntegrationEvent]:
    return [event for event in fakes.uow.events if isinstance(event, kind)]


class TestReadStock:
    def test_reads_a_row(self, fakes: InventoryFakes) -> None:
        stocked(fakes, A=5)
        level = fakes.use_cases().read_stock(sku=" a ")
        assert (level.sku, level.on_hand, level.reserved, level.available) == ("A", 5, 0, 5)

    def test_a_sku_catalog_knows_reads_as_zeros(self, fakes: InventoryFakes) -> None:
        level = fakes.use_cases().read_stock(sku="NEW")
        assert (level.sku, level.on_hand, level.reserved, level.available) == ("NEW", 0, 0, 0)
        assert fakes.stocks.rows == {}

    def test_an_unknown_sku_is_not_found(self, fakes: InventoryFakes) -> None:
        with pytest.raises(UnknownSku):
            fakes.use_cases().read_stock(sku="NOPE")


class TestOpenStock:
    def test_opens_a_row_at_zero_once(self, fakes: InventoryFakes) -> None:
        use_cases = fakes.use_cases()
        use_cases.open_stock(sku="A")
        use_cases.restock(sku="A", quantity=3, by=STAFF)
        use_cases.open_stock(sku="A")
        assert fakes.stocks.levels("A") == (3, 0, 3)
        assert [(p.event, p.sequence) for p in fakes.uow.published] == [
            (StockChanged(sku="A", on_hand=0, reserved=0, available=0), 1),
            (StockChanged(sku="A", on_hand=3, reserved=0, available=3), 2),
        ]
        assert {p.aggregate_id for p in fakes.uow.published} == {str(stock_id("A"))}


class TestRestockAndAdjust:
    def test_restock_adds_and_keeps_a_movement(self, fakes: InventoryFakes) -> None:
        stocked(fakes, A=5)
        level = fakes.use_cases().restock(sku="a", quantity=4, by=STAFF)
        assert (level.on_hand, level.available) == (9, 9)
        assert fakes.uow.events == [StockChanged(sku="A", on_hand=9, reserved=0, available=9)]
        restocks = [m for m in fakes.movements.all() if m.quantity == 4]
        assert [(m.kind, m.by, m.at) for m in restocks] == [
            (MovementKind.RESTOCK, STAFF, fakes.clock())
        ]

    def test_a_sku_catalog_knows_restocks_as_a_row_at_zero(self, fakes: InventoryFakes) -> None:
        level = fakes.use_cases().restock(sku="NEW", quantity=2, by=STAFF)
        assert (level.on_hand, level.reserved, level.available) == (2, 0, 2)
        assert [p.sequence for p in fakes.uow.published] == [1, 2]

    def test_a_sku_catalog_knows_adjusts_as_a_row_at_zero(self, fakes: InventoryFakes) -> None:
        level = fakes.use_cases().adjust_stock(sku="NEW", quantity=3, reason="found", by=STAFF)
        assert (level.on_hand, level.available) == (3, 3)

    def test_an_unknown_sku_changes_nothing(self, fakes: InventoryFakes) -> None:
        with pytest.raises(UnknownSku):
            fakes.use_cases().restock(sku="NOPE", quantity=2, by=STAFF)
        assert fakes.stocks.rows == {}
        assert fakes.uow.published == []

    def test_a_refused_restock_leaves_no_row_behind(self, fakes: InventoryFakes) -> None:
        with pytest.raises(InvalidQuantity):
            fakes.use_cases().restock(sku="NEW", quantity=0, by=STAFF)
        assert fakes.stocks.rows == {}
        assert fakes.uow.published == []

    def test_adjust_below_reserved_changes_nothing(self, fakes: InventoryFakes) -> None:
        stocked(fakes, A=5)
        fakes.use_cases().reserve_stock(order_id=uuid.uuid4(), lines=[("A", 3)], order_sequence=1)
        published_before = list(fakes.uow.published)
        movements_before = len(fakes.movements.all())
        with pytest.raises(BelowReserved):
            fakes.use_cases().adjust_stock(sku="A", quantity=-3, reason="broken", by=STAFF)
        assert fakes.stocks.levels("A") == (5, 3, 2)
        assert fakes.uow.published == published_before
        assert len(fakes.movements.all()) == movements_before

    def test_each_change_publishes_one_stock_changed_with_a_rising_sequence(
        self, fakes: InventoryFakes
    ) -> None:
        use_cases = stocked(fakes, A=5).use_cases()
        use_cases.restock(sku="A", quantity=1, by=STAFF)
        use_cases.adjust_stock(sku="A", quantity=-2, reason="stocktake", by=STAFF)
        use_cases.reserve_stock(order_id=uuid.uuid4(), lines=[("A", 1)], order_sequence=1)
        changes = [p for p in fakes.uow.published if isinstance(p.event, StockChanged)]
        assert [p.sequence for p in changes] == [3, 4, 5]
        assert changes[-1].event == StockChanged(sku="A", on_hand=4, reserved=1, available=3)


class TestReserve:
    def test_every_line_is_held(self, fakes: InventoryFakes) -> None:
        stocked(fakes, A=5, B=2)
        order = uuid.uuid4()
        fakes.use_cases().reserve_stock(
            order_id=order, lines=[("B", 2), ("A", 1)], order_sequence=1
        )
        reservation = fakes.reservations.of_order(order)
        assert published(fakes, StockReserved) == [
            StockReserved(
                order_id=order,
                reservation_id=reservation.id,
                lines=(ReservedLine("A", 1), ReservedLine("B", 2)),
            )
        ]
        assert fakes.stocks.levels("A") == (5, 1, 4)
        assert fakes.stocks.levels("B") == (2, 2, 0)
        assert reservation.expires_at == fakes.clock() + fakes.RESERVATION_TTL

    def test_a_short_line_holds_nothing(self, fakes: InventoryFakes) -> None:
        stocked(fakes, A=5, B=1)
        order = uuid.uuid4()
        fakes.use_cases().reserve_stock(
            order_id=order, lines=[("A", 1), ("B", 2), ("NEW", 1)], order_sequence=1
        )
        assert fakes.uow.events == [
            StockReservationFailed(
                order_id=order, short_lines=(ShortLine("B", 2, 1), ShortLine("NEW", 1, 0))
            )
        ]
        assert fakes.stocks.levels("A") == (5, 0, 5)

    def test_a_redelivered_order_changes_nothing(self, fakes: InventoryFakes) -> None:
        stocked(fakes, A=5)
        order = uuid.uuid4()
        for _ in range(2):
            fakes.use_cases().reserve_stock(order_id=order, lines=[("A", 2)], order_sequence=1)
        assert fakes.stocks.levels("A") == (5, 2, 3)
        assert len(published(fakes, StockReserved)) == 1


OrderEvent = tuple[str, int]
PLACED: OrderEvent = ("placed", 1)
REJECTED: OrderEvent = ("rejected", 3)
CONFIRMED: OrderEvent = ("confirmed", 4)
CANCELLED: OrderEvent = ("cancelled", 5)


def deliver(fakes: InventoryFakes, order: uuid.UUID, events: list[OrderEvent]) -> None:
    """Deliver like the bus: a delivery that raises is retried after the others."""
    use_cases = fakes.use_cases()
    handlers: dict[str, Callable[[int], None]] = {
        "placed": lambda seq: use_cases.reserve_stock(
            order_id=order, lines=[("A", 2), ("B", 1)], order_sequence=seq
        ),
        "confirmed": lambda seq: use_cases.commit_reservation(order_id=order, order_sequence=seq),
        "rejected": lambda seq: use_cases.release_reservation(order_id=order, order_sequence=seq),
        "cancelled": lambda seq: use_cases.return_stock(order_id=order, order_sequence=seq),
    }
    waiting = list(events)
    while waiting:
        kind, sequence = waiting.pop(0)
        try:
            handlers[kind](sequence)
        except ReservationNotYetKnown:
            waiting.append((kind, sequence))


class TestArrivalOrder:
    @pytest.mark.parametrize(
        "story",
        [[PLACED, REJECTED], [PLACED, CONFIRMED], [PLACED, CONFIRMED, CANCELLED]],
        ids=["rejected", "confirmed", "cancelled"],
    )
    def test_shuffled_events_leave_the_stock_they_leave_in_order(
        self, story: list[OrderEvent]
    ) -> None:
        outcomes = set()
        for shuffled in itertools.permutations(story):
            fakes = stocked(InventoryFakes(), A=5, B=5)
            deliver(fakes, uuid.uuid4(), list(shuffled))
            outcomes.add((fakes.stocks.levels("A"), fakes.stocks.levels("B")))
        in_order = stocked(InventoryFakes(), A=5, B=5)
        deliver(in_order, uuid.uuid4(), story)
        assert outcomes == {(in_order.stocks.levels("A"), in_order.stocks.levels("B"))}

    def test_rejected_before_placed_leaves_nothing_reserved(self, fakes: InventoryFakes) -> None:
        stocked(fakes, A=5, B=5)
        order = uuid.uuid4()
        deliver(fakes, order, [REJECTED, PLACED])
        assert fakes.stocks.levels("A") == (5, 0, 5)
        assert published(fakes, StockReserved) == []
        assert fakes.reservations.of_order(order).order_sequence == 3

    def test_confirmed_before_placed_waits_for_the_reservation(self, fakes: InventoryFakes) -> None:
        stocked(fakes, A=5, B=5)
        with pytest.raises(ReservationNotYetKnown):
            fakes.use_cases().commit_reservation(order_id=uuid.uuid4(), order_sequence=4)
        assert fakes.reservations.rows == {}

    def test_the_whole_story_in_order(self, fakes: InventoryFakes) -> None:
        stocked(fakes, A=5, B=5)
        order = uuid.uuid4()
        deliver(fakes, order, [PLACED, CONFIRMED])
        assert fakes.stocks.levels("A") == (3, 0, 3)
        assert fakes.reservations.of_order(order).status is ReservationStatus.COMMITTED
        deliver(fakes, order, [CANCELLED, CONFIRMED, CANCELLED])
        assert fakes.stocks.levels("A") == (5, 0, 5)
        assert fakes.reservations.of_order(order).status is ReservationStatus.RETURNED


class TestExpiry:
    def test_an_expired_reservation_frees_its_stock(self, fakes: InventoryFakes) -> None:
        stocked(fakes, A=5, B=5)
        order, later = uuid.uuid4(), uuid.uuid4()
        use_cases = fakes.use_cases()
        use_cases.reserve_stock(order_id=order, lines=[("A", 2)], order_sequence=1)
        fakes.clock.advance(minutes=10)
        use_cases.reserve_stock(order_id=later, lines=[("B", 1)], order_sequence=1)
        fakes.clock.advance(minutes=5)
        assert use_cases.expire_reservations() == 1
        reservation = fakes.reservations.of_order(order)
        assert published(fakes, ReservationExpired) == [
            ReservationExpired(order_id=order, reservation_id=reservation.id)
        ]
        assert fakes.stocks.levels("A") == (5, 0, 5)
        assert fakes.stocks.levels("B") == (5, 1, 4)
        assert use_cases.expire_reservations() == 0

    def test_a_late_confirmation_takes_the_stock_again(self, fakes: InventoryFakes) -> None:
        stocked(fakes, A=5)
        order = uuid.uuid4()
        use_cases = fakes.use_cases()
        use_cases.reserve_stock(order_id=order, lines=[("A", 2)], order_sequence=1)
        fakes.clock.advance(minutes=20)
        use_cases.expire_reservations()
        use_cases.commit_reservation(order_id=order, order_sequence=4)
        assert fakes.stocks.levels("A") == (3, 0, 3)
        assert published(fakes, StockCommitFailed) == []

    def test_a_late_confirmation_without_the_stock_fails(self, fakes: InventoryFakes) -> None:
        stocked(fakes, A=5)
        order = uuid.uuid4()
        use_cases = fakes.use_cases()
        use_cases.reserve_stock(order_id=order, lines=[("A", 2)], order_sequence=1)
        fakes.clock.advance(minutes=20)
        use_cases.expire_reservations()
        use_cases.reserve_stock(order_id=uuid.uuid4(), lines=[("A", 4)], order_sequence=1)
        use_cases.commit_reservation(order_id=order, order_sequence=4)
        reservation = fakes.reservations.of_order(order)
        assert published(fakes, StockCommitFailed) == [
            StockCommitFailed(order_id=order, reservation_id=reservation.id)
        ]
        assert fakes.stocks.levels("A") == (5, 4, 1)
