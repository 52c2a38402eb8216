"""Inventory's subscribers through the bus: events published as their contexts publish
them (with the order's version as sequence), run by the consumer with its inbox."""

import itertools
import uuid
from collections.abc import Callable
from decimal import Decimal

import pytest

from contexts.catalog.contracts import SkuCreated
from contexts.inventory.application.services import inventory_use_cases
from contexts.inventory.models import Reservation, Stock
from contexts.ordering.contracts import (
    CancelledLine,
    OrderCancelled,
    OrderConfirmed,
    OrderPlaced,
    OrderRejected,
    PlacedLine,
)
from shared_kernel.domain.events import IntegrationEvent
from shared_kernel.domain.money import Money
from shared_kernel.messaging import consumer
from shared_kernel.messaging.models import Delivery, OutboxEvent
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork

pytestmark = pytest.mark.django_db

CUSTOMER = uuid.uuid4()
EUR = Money(Decimal("10.00"), "EUR")


def publish(event: IntegrationEvent, *, aggregate_id: uuid.UUID, sequence: int) -> None:
    """As another context's unit of work would."""
    with DjangoUnitOfWork() as uow:
        uow.publish(event, aggregate_id=str(aggregate_id), sequence=sequence)


def run_inventory_deliveries() -> list[consumer.Outcome]:
    """Run every waiting delivery to inventory's subscribers, as a worker would (one
    waiting for its retry included: its time has come, as far as this test goes)."""
    waiting = Delivery.objects.filter(
        subscriber__startswith="inventory.", status__in=consumer.WAITING
    ).order_by("id")
    return [consumer.consume(pk).outcome for pk in list(waiting.values_list("id", flat=True))]


def redeliver_all() -> list[consumer.Outcome]:
    """Every inventory delivery handed over again (a broker's duplicate, a replay)."""
    Delivery.objects.filter(subscriber__startswith="inventory.").update(
        status=Delivery.Status.PENDING
    )
    return run_inventory_deliveries()


def levels(sku: str) -> tuple[int, int]:
    row = Stock.objects.get(sku=sku)
    return row.on_hand, row.reserved


def stock(**on_hand: int) -> None:
    for sku, quantity in on_hand.items():
        inventory_use_cases().open_stock(sku=sku)
        inventory_use_cases().restock(sku=sku, quantity=quantity, by=None)


def placed(order: uuid.UUID, *lines: tuple[str, int]) -> None:
    event = OrderPlaced(
        order_id=order,
        customer_id=CUSTOMER,
        lines=tuple(PlacedLine(sku, quantity, EUR) for sku, quantity in lines),
        total=EUR,
    )
    publish(event, aggregate_id=order, sequence=1)


def confirmed(order: uuid.UUID, sequence: int = 4) -> None:
    publish(
        OrderConfirmed(order_id=order, customer_id=CUSTOMER, total=EUR),
        aggregate_id=order,
        sequence=sequence,
    )


def rejected(order: uuid.UUID, sequence: int = 3) -> None:
    publish(
        OrderRejected(order_id=order, customer_id=CUSTOMER, reason="out_of_stock"),
        aggregate_id=order,
        sequence=sequence,
    )


def cancelled(order: uuid.UUID, *lines: tuple[str, int]) -> None:
    event = OrderCancelled(
        order_id=order,
        customer_id=CUSTOMER,
        cancelled_by="customer",
        lines=tuple(CancelledLine(sku, quantity) for sku, quantity in lines),
    )
    publish(event, aggregate_id=order, sequence=5)


def published(event_type: str) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(event_type=event_type).order_by("occurred_at"))


def test_a_new_sku_opens_a_row_at_zero_once() -> None:
    sku_created = SkuCreated(sku="SHIRT-M", product_id=uuid.uuid4())
    publish(sku_created, aggregate_id=sku_created.product_id, sequence=2)
    assert run_inventory_deliveries() == [consumer.Outcome.DONE]
    assert levels("SHIRT-M") == (0, 0)
    assert [row.payload for row in published("StockChanged")] == [
        {"sku": "SHIRT-M", "on_hand": 0, "reserved": 0, "available": 0}
    ]
    assert redeliver_all() == [consumer.Outcome.DUPLICATE]
    assert len(published("StockChanged")) == 1


def test_a_new_sku_inventory_already_stocks_keeps_its_row() -> None:
    stock(A=4)
    publish(SkuCreated(sku="A", product_id=uuid.uuid4()), aggregate_id=uuid.uuid4(), sequence=1)
    run_inventory_deliveries()
    assert levels("A") == (4, 0)


def test_an_order_is_reserved_confirmed_and_cancelled() -> None:
    stock(A=5, B=2)
    order = uuid.uuid4()
    placed(order, ("A", 2), ("B", 2))
    run_inventory_deliveries()
    assert (levels("A"), levels("B")) == ((5, 2), (2, 2))
    [reserved] = published("StockReserved")
    reservation = Reservation.objects.get(order_id=order)
    assert reserved.aggregate_id == str(reservation.id)
    assert reserved.payload["lines"] == [{"sku": "A", "quantity": 2}, {"sku": "B", "quantity": 2}]

    confirmed(order)
    run_inventory_deliveries()
    assert (levels("A"), levels("B")) == ((3, 0), (0, 0))

    cancelled(order, ("A", 2), ("B", 2))
    run_inventory_deliveries()
    assert (levels("A"), levels("B")) == ((5, 0), (2, 0))
    assert set(redeliver_all()) == {consumer.Outcome.DUPLICATE}
    assert (levels("A"), levels("B")) == ((5, 0), (2, 0))


def test_an_order_short_of_stock_is_refused_whole() -> None:
    stock(A=5, B=1)
    order = uuid.uuid4()
    placed(order, ("A", 2), ("B", 2))
    run_inventory_deliveries()
    [failed] = published("StockReservationFailed")
    assert failed.payload["short_lines"] == [{"sku": "B", "requested": 2, "available": 1}]
    assert published("StockReserved") == []
    assert (levels("A"), levels("B")) == ((5, 0), (1, 0))


def test_a_rejected_order_frees_its_stock() -> None:
    stock(A=5)
    order = uuid.uuid4()
    placed(order, ("A", 3))
    run_inventory_deliveries()
    rejected(order)
    run_inventory_deliveries()
    assert levels("A") == (5, 0)


def test_rejected_before_placed_leaves_nothing_reserved() -> None:
    stock(A=5)
    order = uuid.uuid4()
    rejected(order)
    run_inventory_deliveries()
    placed(order, ("A", 3))
    run_inventory_deliveries()
    assert levels("A") == (5, 0)
    assert published("StockReserved") == []


def test_confirmed_before_placed_is_retried_until_the_reservation_exists() -> None:
    stock(A=5)
    order = uuid.uuid4()
    confirmed(order)
    assert run_inventory_deliveries() == [consumer.Outcome.RETRY]
    placed(order, ("A", 3))
    run_inventory_deliveries()
    assert run_inventory_deliveries() == [consumer.Outcome.DONE]
    assert levels("A") == (2, 0)


OrderStory = list[Callable[[uuid.UUID], None]]


def placed_a2_b1(order: uuid.UUID) -> None:
    placed(order, ("A", 2), ("B", 1))


def cancelled_a2_b1(order: uuid.UUID) -> None:
    cancelled(order, ("A", 2), ("B", 1))


def deliver_until_settled(rounds: int = 5) -> None:
    """Run inventory's deliveries again while one waits for its retry (an OrderConfirmed
    that came before its OrderPlaced)."""
    for _ in range(rounds):
        if consumer.Outcome.RETRY not in run_inventory_deliveries():
            return


def stock_change_of(story: OrderStory) -> tuple[int, ...]:
    """What one order's events, published in this order and delivered, do to A and B
    (on hand and reserved of each)."""
    before = (*levels("A"), *levels("B"))
    order = uuid.uuid4()
    for publish_event in story:
        publish_event(order)
    deliver_until_settled()
    after = (*levels("A"), *levels("B"))
    return tuple(now - was for was, now in zip(before, after, strict=True))


@pytest.mark.parametrize(
    ("story", "change"),
    [
        ([placed_a2_b1, rejected], (0, 0, 0, 0)),
        ([placed_a2_b1, confirmed], (-2, 0, -1, 0)),
        ([placed_a2_b1, confirmed, cancelled_a2_b1], (0, 0, 0, 0)),
    ],
    ids=["rejected", "confirmed", "cancelled"],
)
def test_an_orders_events_shuffled_leave_the_stock_they_leave_in_order(
    story: OrderStory, change: tuple[int, ...]
) -> None:
    """Through the bus, so the order's version travels as the envelope's sequence: an
    OrderConfirmed older than the OrderCancelled already applied must be ignored."""
    stock(A=50, B=50)
    assert stock_change_of(story) == change
    for shuffled in itertools.permutations(story):
        assert stock_change_of(list(shuffled)) == change, [f.__name__ for f in shuffled]
