"""Ordering's use cases on in-memory fakes: what they store, publish and refuse."""

import uuid
from typing import Any

import pytest

from contexts.ordering.application.services import OrderingUseCases
from contexts.ordering.application.use_cases import Caller, RequestedLine
from contexts.ordering.contracts import OrderCancelled, OrderPlaced, OrderShipped, PlacedLine
from contexts.ordering.domain.errors import IllegalOrderTransition, InvalidOrderInput, OrderNotFound
from contexts.ordering.domain.order import Order, OrderStatus
from shared_kernel.application.pages import PageRequest
from shared_kernel.domain.errors import PermissionDenied
from shared_kernel.domain.money import Money
from tests.ordering.fakes import OrderingFakes

ADDRESS = {
    "name": "Ann Lee",
    "line1": "1 Rue de Rivoli",
    "line2": "",
    "city": "Paris",
    "postal_code": "75001",
    "country": "fr",
}
ANN = Caller(user_id=uuid.uuid4(), is_staff=False)
BOB = Caller(user_id=uuid.uuid4(), is_staff=False)
STAFF = Caller(user_id=uuid.uuid4(), is_staff=True)


@pytest.fixture
def fakes() -> OrderingFakes:
    return OrderingFakes()


@pytest.fixture
def use_cases(fakes: OrderingFakes) -> OrderingUseCases:
    return fakes.use_cases()


def place(use_cases: OrderingUseCases, caller: Caller = ANN, **overrides: Any) -> Order:
    command: dict[str, Any] = {
        "customer_id": caller.user_id,
        "lines": [RequestedLine("SHIRT-M", 2), RequestedLine("MUG", 1)],
        "payment_method": "pm_card_visa",
        "shipping_address": ADDRESS,
        **overrides,
    }
    return use_cases.place_order(**command)


def confirmed(use_cases: OrderingUseCases, caller: Caller = ANN) -> Order:
    order = place(use_cases, caller)
    use_cases.on_stock_reserved(order_id=order.id, reservation_id=uuid.uuid4())
    use_cases.on_payment_captured(order_id=order.id)
    return order


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


class TestPlaceOrder:
    def test_priced_by_catalog_in_one_call_stored_pending_and_announced(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases
    ) -> None:
        order = place(use_cases)

        stored = fakes.orders.get(order.id)
        assert stored.status is OrderStatus.PENDING
        assert [(line.name, line.unit_price) for line in stored.lines] == [
            ("Linen shirt (size M)", eur("19.90")),
            ("Mug", eur("8.50")),
        ]
        assert stored.shipping_address.country == "FR"
        assert fakes.catalog.calls == 1
        assert fakes.uow.events == [
            OrderPlaced(
                order_id=order.id,
                customer_id=ANN.user_id,
                lines=(PlacedLine("SHIRT-M", 2, eur("19.90")), PlacedLine("MUG", 1, eur("8.50"))),
                total=eur("48.30"),
            )
        ]
        assert fakes.uow.published[0].sequence == 1

    @pytest.mark.parametrize("sku", ["NOPE", "OLD"])
    def test_an_unknown_or_unpublished_sku_is_refused_on_its_line(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases, sku: str
    ) -> None:
        with pytest.raises(InvalidOrderInput) as refused:
            place(use_cases, lines=[RequestedLine("MUG", 1), RequestedLine(sku, 1)])

        assert refused.value.field == "lines.1.sku"
        assert fakes.orders.all() == []
        assert fakes.uow.events == []

    def test_the_price_is_a_snapshot(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases
    ) -> None:
        order = place(use_cases)
        fakes.catalog.add("MUG", "99.00")

        assert fakes.orders.get(order.id).total == eur("48.30")

    def test_a_bad_address_is_refused_before_catalog_is_asked(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases
    ) -> None:
        with pytest.raises(InvalidOrderInput) as refused:
            place(use_cases, shipping_address={**ADDRESS, "country": "ZZ"})

        assert refused.value.field == "shipping_address.country"
        assert fakes.catalog.calls == 0


class TestCancelOrder:
    @pytest.mark.parametrize(("caller", "by"), [(ANN, "customer"), (STAFF, "staff")])
    def test_owner_or_staff_cancel_a_confirmed_order(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases, caller: Caller, by: str
    ) -> None:
        order = confirmed(use_cases)

        cancelled = use_cases.cancel_order(order_id=order.id, caller=caller)

        assert cancelled.status is OrderStatus.CANCELLED
        assert fakes.orders.get(order.id).status is OrderStatus.CANCELLED
        event = fakes.uow.events[-1]
        assert isinstance(event, OrderCancelled)
        assert (event.cancelled_by, [line.sku for line in event.lines]) == (by, ["SHIRT-M", "MUG"])

    def test_another_customers_order_is_not_found(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases
    ) -> None:
        order = confirmed(use_cases)

        with pytest.raises(OrderNotFound):
            use_cases.cancel_order(order_id=order.id, caller=BOB)
        assert fakes.orders.get(order.id).status is OrderStatus.CONFIRMED

    def test_a_pending_order_cannot_be_cancelled(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases
    ) -> None:
        order = place(use_cases)
        published = len(fakes.uow.events)

        with pytest.raises(IllegalOrderTransition):
            use_cases.cancel_order(order_id=order.id, caller=ANN)
        assert len(fakes.uow.events) == published
        assert fakes.uow.rollbacks == 1

    def test_an_unknown_order_is_not_found(self, use_cases: OrderingUseCases) -> None:
        with pytest.raises(OrderNotFound):
            use_cases.cancel_order(order_id=uuid.uuid4(), caller=STAFF)


class TestShipOrder:
    def test_staff_ship_a_confirmed_order(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases
    ) -> None:
        order = confirmed(use_cases)

        shipped = use_cases.ship_order(order_id=order.id, tracking_number="1Z-9", caller=STAFF)

        assert (shipped.status, shipped.tracking_number) == (OrderStatus.SHIPPED, "1Z-9")
        assert fakes.uow.events[-1] == OrderShipped(
            order_id=order.id, customer_id=ANN.user_id, tracking_number="1Z-9"
        )

    def test_a_customer_may_not_ship_even_their_own(
        self, fakes: OrderingFakes, use_cases: OrderingUseCases
    ) -> None:
        order = confirmed(use_cases)

        with pytest.raises(PermissionDenied):
            use_cases.ship_order(order_id=order.id, tracking_number="1Z-9", caller=ANN)
        assert fakes.orders.get(order.id).status is OrderStatus.CONFIRMED

    def test_a_shipped_order_is_not_shipped_again(self, use_cases: OrderingUseCases) -> None:
        order = confirmed(use_cases)
        use_cases.ship_order(order_id=order.id, tracking_number="1Z-9", caller=STAFF)

        with pytest.raises(IllegalOrderTransition):
            use_cases.ship_order(order_id=order.id, tracking_number="1Z-10", caller=STAFF)


class TestReads:
    def test_a_customer_sees_their_own_order_only(self, use_cases: OrderingUseCases) -> None:
        order = place(use_cases)

        assert use_cases.view_order(order_id=order.id, caller=ANN).total == eur("48.30")
        assert use_cases.view_order(order_id=order.id, caller=STAFF).id == order.id
        with pytest.raises(OrderNotFound):
            use_cases.view_order(order_id=order.id, caller=BOB)

    def test_lists_own_orders_and_staff_all_by_status(self, use_cases: OrderingUseCases) -> None:
        mine = place(use_cases)
        theirs = confirmed(use_cases, BOB)
        page = PageRequest()

        assert [v.id for v in use_cases.list_orders(caller=ANN, page=page).items] == [mine.id]
        assert {v.id for v in use_cases.list_orders(caller=STAFF, page=page).items} == {
            mine.id,
            theirs.id,
        }
        confirmed_only = use_cases.list_orders(
            caller=STAFF, page=page, status=OrderStatus.CONFIRMED
        )
        assert [v.id for v in confirmed_only.items] == [theirs.id]
