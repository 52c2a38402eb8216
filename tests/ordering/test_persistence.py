"""Orders through Django's ORM: stored and loaded whole, saved only at the version loaded,
history appended, read back by the queries and the facade."""

import uuid
from datetime import timedelta

import pytest

from contexts.ordering.contracts import ordering_facade
from contexts.ordering.domain.errors import OrderNotFound
from contexts.ordering.domain.order import Actor, OrderId, OrderStatus, RejectionReason
from contexts.ordering.infrastructure.repositories import DjangoOrderQueries, DjangoOrderRepository
from contexts.ordering.models import OrderHistoryEntry
from shared_kernel.application.pages import PageRequest
from shared_kernel.domain.aggregate import StaleAggregate
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork
from tests.ordering.builders import NOW, a_line, an_order

pytestmark = pytest.mark.django_db
LATER = NOW + timedelta(minutes=1)


@pytest.fixture
def orders() -> DjangoOrderRepository:
    return DjangoOrderRepository()


def test_an_order_is_loaded_as_it_was_stored(orders: DjangoOrderRepository) -> None:
    order = an_order(a_line("SHIRT-M", price="19.90", quantity=2), a_line("MUG", price="8.50"))
    with DjangoUnitOfWork():
        orders.add(order)

    loaded = orders.get(order.id)

    assert (loaded.id, loaded.customer_id, loaded.version) == (order.id, order.customer_id, 1)
    assert loaded.lines == order.lines
    assert loaded.total == order.total
    assert loaded.shipping_address == order.shipping_address
    assert loaded.history == order.history
    assert loaded.status is OrderStatus.PENDING


def test_saving_appends_history_and_a_stale_copy_is_refused(
    orders: DjangoOrderRepository,
) -> None:
    order = an_order()
    with DjangoUnitOfWork():
        orders.add(order)
    first, second = orders.get(order.id), orders.get(order.id)

    with DjangoUnitOfWork():
        first.request_payment(reservation_id=uuid.uuid4(), at=LATER)
        first.confirm(at=LATER)
        orders.save(first)
    second.reject(RejectionReason.OUT_OF_STOCK, cause="StockReservationFailed", at=LATER)
    with pytest.raises(StaleAggregate), DjangoUnitOfWork():
        orders.save(second)

    stored = orders.get(order.id)
    assert (stored.status, stored.version) == (OrderStatus.CONFIRMED, 3)
    assert OrderHistoryEntry.objects.filter(order=order.id).count() == 3
    with DjangoUnitOfWork():
        stored.cancel(by=Actor.STAFF, at=LATER)
        orders.save(stored)
    assert [e.cause for e in orders.get(order.id).history][-1] == "staff"


def test_an_unknown_order_is_not_found(orders: DjangoOrderRepository) -> None:
    with pytest.raises(OrderNotFound):
        orders.get(OrderId.new())


def test_the_queries_and_the_facade_read_it(orders: DjangoOrderRepository) -> None:
    order = an_order()
    with DjangoUnitOfWork():
        orders.add(order)
    queries = DjangoOrderQueries()

    view = queries.one(order.id)
    assert view is not None
    assert (view.total, view.status, [h.cause for h in view.history]) == (
        order.total,
        "pending",
        ["customer"],
    )
    page = queries.page(PageRequest(), customer_id=order.customer_id, status=None)
    assert [v.id for v in page.items] == [order.id]
    assert queries.page(PageRequest(), customer_id=uuid.uuid4(), status=None).items == ()
    assert ordering_facade().customer_of(order.id) == order.customer_id
    assert ordering_facade().customer_of(uuid.uuid4()) is None
