"""The order saga end to end with a real Celery worker and beat on Redis and PostgreSQL,
started and stopped by the test (ARCHITECTURE.md §8): the same story as
`test_order_saga.py`, but no task runs in this process. The API is called here (this
process is the web process: its commits hand deliveries to Redis); the worker, consuming
every queue, runs inventory's, payments' and ordering's subscribers; beat runs the outbox
relay and the housekeeping. The test polls the API until the saga has settled.
"""

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from tests.ordering.saga_steps import (
    Shop,
    api_shop,
    forget_every_queue,
    history,
    saga_processes,
)
from tests.shared_kernel.messaging.workers import Worker
from tests.support.factories import StaffFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.xdist_group("celery-workers"),
    pytest.mark.django_db(transaction=True),
]

SETTLE_SECONDS = 60


@pytest.fixture(scope="module")
def processes(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    forget_every_queue()
    with saga_processes(tmp_path_factory.mktemp("saga-worker")) as worker:
        yield worker
    forget_every_queue()


@pytest.fixture
def shop(processes: Worker) -> Shop:
    cache.clear()  # throttle counters: every client here is 127.0.0.1
    return api_shop(wait_seconds=SETTLE_SECONDS)


@pytest.fixture
def staff(shop: Shop) -> str:
    StaffFactory(email="staff@example.com", raw_password="correct-horse-battery-staple")
    token = shop.sign_in("staff@example.com")
    shop.stock_a_product(token, quantity=5)
    shop.stock_reaches(token, {"on_hand": 5, "reserved": 0, "available": 5})
    return token


@pytest.fixture
def customer(shop: Shop, staff: str) -> str:
    return shop.register("ann@example.com")


def worker_log(worker: Worker) -> str:
    return worker.log.read_text(errors="replace")[-3000:]


def test_a_card_that_works_confirms_then_cancel_refunds_and_returns_the_stock(
    shop: Shop, staff: str, customer: str, processes: Worker
) -> None:
    order_id = shop.order(customer, quantity=2)

    order = shop.settled(customer, order_id, "confirmed")
    assert history(order)[-1] == ("confirmed", "PaymentCaptured"), worker_log(processes)
    shop.payment_reaches(customer, order_id, "captured")
    shop.stock_reaches(staff, {"on_hand": 3, "reserved": 0, "available": 3})

    shop.call("POST", f"/api/v1/orders/{order_id}/cancel", token=customer)

    shop.payment_reaches(customer, order_id, "refunded")
    shop.stock_reaches(staff, {"on_hand": 5, "reserved": 0, "available": 5})


def test_a_declined_card_and_an_order_beyond_the_stock_are_rejected(
    shop: Shop, staff: str, customer: str
) -> None:
    declined = shop.order(customer, method="pm_card_chargeDeclined")
    too_many = shop.order(customer, quantity=6)

    assert shop.settled(customer, declined, "rejected")["rejection_reason"] == "payment_declined"
    assert shop.settled(customer, too_many, "rejected")["rejection_reason"] == "out_of_stock"
    shop.payment_reaches(customer, declined, "failed")
    assert shop.payments(customer, too_many) == []
    shop.stock_reaches(staff, {"on_hand": 5, "reserved": 0, "available": 5})


def test_staff_ship_a_confirmed_order(shop: Shop, staff: str, customer: str) -> None:
    order_id = shop.order(customer)
    shop.settled(customer, order_id, "confirmed")

    shipped = shop.call(
        "POST", f"/api/v1/orders/{order_id}/ship", {"tracking_number": "1Z"}, token=staff
    )

    assert shipped["status"] == "shipped"
    shop.stock_reaches(staff, {"on_hand": 3, "reserved": 0, "available": 3})
