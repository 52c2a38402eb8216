"""Inventory's domain rules: plain pytest, no database, no Django."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from contexts.catalog.domain.errors import InvalidSkuCode
from contexts.catalog.domain.values import SkuCode
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
    InvalidReason,
    NotEnoughStock,
)
from contexts.inventory.domain.reservation import (
    Reservation,
    ReservationLine,
    ReservationStatus,
    merged_lines,
)
from contexts.inventory.domain.stock import (
    MAX_ON_HAND,
    MovementKind,
    Stock,
    is_well_formed,
    sku_code,
    stock_id,
)
from shared_kernel.domain.events import IntegrationEvent

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
STAFF = uuid.uuid4()
ORDER = uuid.uuid4()


def a_stock(sku: str = "SHIRT-M", *, on_hand: int = 0, reserved: int = 0) -> Stock:
    return Stock(sku=sku, on_hand=on_hand, reserved=reserved, version=3)


def saved_events(aggregate: Stock | Reservation) -> list[tuple[IntegrationEvent, int]]:
    aggregate.mark_saved()
    return [
        (recorded.event, recorded.sequence)
        for recorded in aggregate.collect_events()
        if isinstance(recorded.event, IntegrationEvent)
    ]


def levels(stock: Stock) -> tuple[int, int, int]:
    return stock.on_hand, stock.reserved, stock.available


def placed(stocks: dict[str, Stock], *lines: tuple[str, int], sequence: int = 1) -> Reservation:
    return Reservation.place(
        order_id=ORDER,
        lines=merged_lines(lines),
        stocks=stocks,
        order_sequence=sequence,
        expires_at=NOW + timedelta(minutes=15),
    )


class TestStock:
    def test_opens_at_zero_and_announces_it(self) -> None:
        stock = Stock.open("SHIRT-M")
        assert levels(stock) == (0, 0, 0)
        assert saved_events(stock) == [
            (StockChanged(sku="SHIRT-M", on_hand=0, reserved=0, available=0), 1)
        ]

    def test_the_id_is_stable_per_code(self) -> None:
        assert Stock.open("SHIRT-M").id == stock_id("SHIRT-M") != stock_id("SHIRT-L")

    def test_codes_are_read_as_catalog_stores_them(self) -> None:
        assert sku_code(" shirt-m ") == "SHIRT-M"

    @pytest.mark.parametrize(
        "raw",
        [
            " shirt-m ",
            "ls.m_2",
            "9",
            "a" * 64,
            "a" * 65,
            "",
            " ",
            "-M",
            "A B",
            "A\x00B",
            "É",
            "A/B",
        ],
    )
    def test_codes_agree_with_catalogs(self, raw: str) -> None:
        """Inventory reads a code as catalog's `SkuCode` does, and takes as well formed
        exactly the codes catalog accepts (pure Python on both sides)."""
        try:
            catalogs: str | None = SkuCode(raw).value
        except InvalidSkuCode:
            catalogs = None
        code = sku_code(raw)
        assert (code if is_well_formed(code) else None) == catalogs

    def test_restock_adds_and_is_kept_as_a_movement(self) -> None:
        stock = a_stock(on_hand=2, reserved=1)
        movement = stock.restock(5, by=STAFF, at=NOW)
        assert levels(stock) == (7, 1, 6)
        assert (movement.kind, movement.quantity, movement.by, movement.at) == (
            MovementKind.RESTOCK,
            5,
            STAFF,
            NOW,
        )
        assert movement.on_hand_after == 7
        assert saved_events(stock) == [
            (StockChanged(sku="SHIRT-M", on_hand=7, reserved=1, available=6), 4)
        ]

    @pytest.mark.parametrize("quantity", [0, -1])
    def test_restock_takes_a_positive_quantity(self, quantity: int) -> None:
        stock = a_stock(on_hand=2)
        with pytest.raises(InvalidQuantity):
            stock.restock(quantity, by=STAFF, at=NOW)
        assert levels(stock) == (2, 0, 2)
        assert not stock.has_changes

    def test_adjust_corrects_the_count_with_a_reason(self) -> None:
        stock = a_stock(on_hand=10, reserved=4)
        movement = stock.adjust(-6, reason="  stocktake   found fewer ", by=STAFF, at=NOW)
        assert levels(stock) == (4, 4, 0)
        assert (movement.kind, movement.quantity, movement.reason) == (
            MovementKind.ADJUSTMENT,
            -6,
            "stocktake found fewer",
        )

    def test_on_hand_has_a_ceiling(self) -> None:
        stock = a_stock(on_hand=MAX_ON_HAND - 1)
        with pytest.raises(InvalidQuantity):
            stock.restock(2, by=STAFF, at=NOW)
        with pytest.raises(InvalidQuantity):
            stock.adjust(2, reason="found", by=STAFF, at=NOW)
        assert stock.on_hand == MAX_ON_HAND - 1
        assert not stock.has_changes

    def test_adjust_never_goes_below_what_is_reserved(self) -> None:
        stock = a_stock(on_hand=10, reserved=4)
        with pytest.raises(BelowReserved):
            stock.adjust(-7, reason="damaged", by=STAFF, at=NOW)
        assert levels(stock) == (10, 4, 6)
        assert not stock.has_changes

    @pytest.mark.parametrize(
        ("quantity", "reason", "error"),
        [(0, "why", InvalidQuantity), (1, "  ", InvalidReason), (1, "x" * 201, InvalidReason)],
    )
    def test_adjust_refuses_bad_input(
        self, quantity: int, reason: str, error: type[Exception]
    ) -> None:
        with pytest.raises(error):
            a_stock(on_hand=1).adjust(quantity, reason=reason, by=STAFF, at=NOW)

    def test_hold_commit_release_take_put_back(self) -> None:
        stock = a_stock(on_hand=10)
        stock.hold(4)
        assert levels(stock) == (10, 4, 6)
        stock.commit(3)
        assert levels(stock) == (7, 1, 6)
        stock.release(1)
        assert levels(stock) == (7, 0, 7)
        stock.take(2)
        assert levels(stock) == (5, 0, 5)
        stock.put_back(2)
        assert levels(stock) == (7, 0, 7)
        assert [sequence for _, sequence in saved_events(stock)] == [4, 5, 6, 7, 8]

    @pytest.mark.parametrize("change", ["hold", "take"])
    def test_never_gives_more_than_is_available(self, change: str) -> None:
        stock = a_stock(on_hand=5, reserved=3)
        with pytest.raises(NotEnoughStock):
            getattr(stock, change)(3)
        assert levels(stock) == (5, 3, 2)

    @pytest.mark.parametrize("change", ["commit", "release"])
    def test_never_commits_or_releases_more_than_is_held(self, change: str) -> None:
        stock = a_stock(on_hand=5, reserved=1)
        with pytest.raises(NotEnoughStock):
            getattr(stock, change)(2)


class TestPlacing:
    def test_every_line_is_held(self) -> None:
        stocks = {"A": a_stock("A", on_hand=5), "B": a_stock("B", on_hand=1)}
        reservation = placed(stocks, ("B", 1), ("A", 2), ("A", 1))
        assert reservation.status is ReservationStatus.HELD
        assert reservation.lines == (ReservationLine("A", 3), ReservationLine("B", 1))
        assert levels(stocks["A"]) == (5, 3, 2)
        assert levels(stocks["B"]) == (1, 1, 0)
        assert saved_events(reservation) == [
            (
                StockReserved(
                    order_id=ORDER,
                    reservation_id=reservation.id,
                    lines=(ReservedLine("A", 3), ReservedLine("B", 1)),
                ),
                1,
            )
        ]

    def test_one_short_line_holds_nothing_and_names_the_short_ones(self) -> None:
        stocks = {"A": a_stock("A", on_hand=5), "B": a_stock("B", on_hand=2, reserved=1)}
        reservation = placed(stocks, ("A", 2), ("B", 2), ("C", 1))
        assert reservation.status is ReservationStatus.REFUSED
        assert levels(stocks["A"]) == (5, 0, 5)
        assert not stocks["A"].has_changes
        assert saved_events(reservation) == [
            (
                StockReservationFailed(
                    order_id=ORDER,
                    short_lines=(ShortLine("B", 2, 1), ShortLine("C", 1, 0)),
                ),
                1,
            )
        ]

    def test_a_line_holds_at_least_one_unit(self) -> None:
        with pytest.raises(InvalidQuantity):
            merged_lines([("A", 0)])


class TestFollowingTheOrder:
    def test_confirming_commits_what_is_held(self) -> None:
        stocks = {"A": a_stock("A", on_hand=5)}
        reservation = placed(stocks, ("A", 2))
        reservation.confirm(stocks, order_sequence=4)
        assert reservation.status is ReservationStatus.COMMITTED
        assert reservation.order_sequence == 4
        assert levels(stocks["A"]) == (3, 0, 3)

    def test_rejecting_releases_what_is_held(self) -> None:
        stocks = {"A": a_stock("A", on_hand=5)}
        reservation = placed(stocks, ("A", 2))
        reservation.release(stocks, order_sequence=3)
        assert reservation.status is ReservationStatus.RELEASED
        assert levels(stocks["A"]) == (5, 0, 5)

    def test_cancelling_returns_committed_stock(self) -> None:
        stocks = {"A": a_stock("A", on_hand=5)}
        reservation = placed(stocks, ("A", 2))
        reservation.confirm(stocks, order_sequence=4)
        reservation.cancel(stocks, order_sequence=5)
        assert reservation.status is ReservationStatus.RETURNED
        assert levels(stocks["A"]) == (5, 0, 5)

    def test_older_events_are_recognised(self) -> None:
        reservation = Reservation.released_before_placed(order_id=ORDER, order_sequence=3)
        assert reservation.is_older(1)
        assert reservation.is_older(3)
        assert not reservation.is_older(4)
        assert not reservation.is_older(0)  # no sequence kept by the publisher: it applies
        assert reservation.lines == ()
        assert reservation.status is ReservationStatus.RELEASED

    def test_a_refused_reservation_rejected_changes_no_stock(self) -> None:
        stocks = {"A": a_stock("A", on_hand=1)}
        reservation = placed(stocks, ("A", 2))
        reservation.release(stocks, order_sequence=3)
        assert reservation.status is ReservationStatus.REFUSED
        assert not stocks["A"].has_changes


class TestExpiry:
    def test_a_hold_past_its_time_is_released(self) -> None:
        stocks = {"A": a_stock("A", on_hand=5)}
        reservation = placed(stocks, ("A", 2))
        saved_events(reservation)
        assert not reservation.is_due(now=NOW + timedelta(minutes=14))
        reservation.expire(stocks, now=NOW + timedelta(minutes=15))
        assert reservation.status is ReservationStatus.EXPIRED
        assert levels(stocks["A"]) == (5, 0, 5)
        assert saved_events(reservation) == [
            (ReservationExpired(order_id=ORDER, reservation_id=reservation.id), 2)
        ]

    def test_expiring_before_its_time_does_nothing(self) -> None:
        stocks = {"A": a_stock("A", on_hand=5)}
        reservation = placed(stocks, ("A", 2))
        reservation.expire(stocks, now=NOW)
        assert reservation.status is ReservationStatus.HELD

    def test_a_late_confirmation_takes_the_stock_again_when_it_is_there(self) -> None:
        stocks = {"A": a_stock("A", on_hand=5)}
        reservation = placed(stocks, ("A", 2))
        reservation.expire(stocks, now=NOW + timedelta(hours=1))
        saved_events(reservation)
        reservation.confirm(stocks, order_sequence=4)
        assert reservation.status is ReservationStatus.COMMITTED
        assert levels(stocks["A"]) == (3, 0, 3)
        assert saved_events(reservation) == []

    def test_a_late_confirmation_without_the_stock_fails(self) -> None:
        stocks = {"A": a_stock("A", on_hand=5), "B": a_stock("B", on_hand=5)}
        reservation = placed(stocks, ("A", 2), ("B", 1))
        reservation.expire(stocks, now=NOW + timedelta(hours=1))
        stocks["A"].hold(4)
        saved_events(reservation)
        reservation.confirm(stocks, order_sequence=4)
        assert reservation.status is ReservationStatus.EXPIRED
        assert levels(stocks["B"]) == (5, 0, 5)
        assert saved_events(reservation) == [
            (StockCommitFailed(order_id=ORDER, reservation_id=reservation.id), 3)
        ]
