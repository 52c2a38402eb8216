"""The order saga end to end with real Celery workers and beat on Redis and PostgreSQL,
started and stopped by the tests (ARCHITECTURE.md §8): the story of `test_order_saga.py`,
but no task runs in this process. The API is called here (this process is the web process:
its commits hand deliveries to Redis); the worker, consuming every queue, runs inventory's,
payments' and ordering's subscribers; beat runs the outbox relay and the housekeeping.
The tests poll the API until the saga has settled (`Shop.settled`, `…_reaches`), never
sleeping a fixed time.

Each test starts its own worker and beat once its database is ready and stops them before
the database is flushed (a worker still running would race the flush's TRUNCATE). The
first three run on the sandbox gateway; the late capture and the stock gone at commit run
payments on Stripe's SDK against a local fake Stripe that stalls a charge, reservations
living three seconds.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

from contexts.inventory.tasks import expire_reservations
from tests.ordering.saga_steps import (
    PASSWORD,
    SETTLE_SECONDS,
    SKU,
    Shop,
    api_shop,
    beat_sent,
    forget_every_queue,
    history,
    saga_processes,
)
from tests.payments.fake_stripe import FakeStripe
from tests.shared_kernel.messaging.workers import Worker
from tests.support.factories import StaffFactory
from tests.support.processes import wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.xdist_group("celery-workers"),
    pytest.mark.django_db(transaction=True),
    # Several waits of up to SETTLE_SECONDS each: the suite's 300 s would cut a slow but
    # passing run short (and skip the teardown that stops the worker).
    pytest.mark.timeout(900),
]

FULL_STOCK = {"on_hand": 5, "reserved": 0, "available": 5}


@pytest.fixture
def queues_emptied(transactional_db: None) -> Iterator[None]:
    """What an earlier test left in Redis does not reach this one, nor this one's the next."""
    forget_every_queue()
    yield
    forget_every_queue()


@pytest.fixture
def shop(transactional_db: None) -> Shop:
    cache.clear()  # throttle counters: every client here is 127.0.0.1
    return api_shop(wait_seconds=SETTLE_SECONDS)


@pytest.fixture
def staff(shop: Shop) -> str:
    """Staff signed in, with a published product of five units in stock."""
    StaffFactory(email="staff@example.com", raw_password=PASSWORD)
    token = shop.sign_in("staff@example.com")
    shop.stock_a_product(token, quantity=5)
    shop.stock_reaches(token, FULL_STOCK)
    return token


@pytest.fixture
def customer(shop: Shop, staff: str) -> str:
    return shop.register("ann@example.com")


@pytest.fixture
def stripe() -> Iterator[FakeStripe]:
    with FakeStripe() as fake:
        yield fake


def on_fake_stripe(stripe: FakeStripe, **extra: str) -> dict[str, str]:
    """Payments on Stripe's SDK against the fake. Reservations live three seconds: long
    enough for the saga to reach the charge on a slow machine, short beside the stall."""
    return {
        "PAYMENT_GATEWAY": "stripe",
        "STRIPE_API_KEY": "sk_test_fake",
        "STRIPE_API_BASE": stripe.url,
        "RESERVATION_TTL_SECONDS": "3",
        **extra,
    }


def worker_log(worker: Worker) -> str:
    return worker.log.read_text(errors="replace")[-3000:]


@pytest.fixture
def sandbox_worker(queues_emptied: None, tmp_path: Path) -> Iterator[Worker]:
    """A worker and beat on the sandbox gateway, for one test: started after the test's
    database is ready and stopped before it is flushed, so they never hold a row the
    flush must truncate."""
    with saga_processes(tmp_path) as worker:
        yield worker


def test_a_card_that_works_confirms_then_cancel_refunds_and_returns_the_stock(
    sandbox_worker: Worker, shop: Shop, staff: str, customer: str
) -> None:
    order_id = shop.order(customer, quantity=2)

    order = shop.settled(customer, order_id, "confirmed")
    assert history(order)[-1] == ("confirmed", "PaymentCaptured"), worker_log(sandbox_worker)
    shop.payment_reaches(customer, order_id, "captured")
    shop.stock_reaches(staff, {"on_hand": 3, "reserved": 0, "available": 3})

    shop.call("POST", f"/api/v1/orders/{order_id}/cancel", token=customer)

    shop.payment_reaches(customer, order_id, "refunded")
    shop.stock_reaches(staff, FULL_STOCK)


def test_a_declined_card_and_an_order_beyond_the_stock_are_rejected(
    sandbox_worker: Worker, shop: Shop, staff: str, customer: str
) -> None:
    declined = shop.order(customer, method="pm_card_chargeDeclined")
    too_many = shop.order(customer, quantity=6)

    order = shop.settled(customer, declined, "rejected")
    assert order["rejection_reason"] == "payment_declined"
    assert shop.settled(customer, too_many, "rejected")["rejection_reason"] == "out_of_stock"
    shop.payment_reaches(customer, declined, "failed")
    assert shop.payments(customer, too_many) == []
    shop.stock_reaches(staff, FULL_STOCK)


def test_staff_ship_a_confirmed_order(
    sandbox_worker: Worker, shop: Shop, staff: str, customer: str
) -> None:
    order_id = shop.order(customer)
    shop.settled(customer, order_id, "confirmed")

    shipped = shop.call(
        "POST", f"/api/v1/orders/{order_id}/ship", {"tracking_number": "1Z"}, token=staff
    )

    assert shipped["status"] == "shipped"
    shop.stock_reaches(staff, {"on_hand": 3, "reserved": 0, "available": 3})


def test_a_charge_landing_after_the_reservation_expired_is_refunded(
    queues_emptied: None,
    stripe: FakeStripe,
    shop: Shop,
    staff: str,
    customer: str,
    tmp_path: Path,
) -> None:
    """Beat expires reservations every half second; the fake's first answer to the charge
    comes after eight seconds (a 500, which payments retries: the charge lands), so the
    reservation expires while the charge is in flight. Rejected `reservation_expired`, the
    pending payment voided, the charge that lands afterwards refunded; the stock whole."""
    stripe.stall_next(1, seconds=8.0)
    env = on_fake_stripe(stripe, RESERVATION_EXPIRY_INTERVAL_SECONDS="0.5")

    with saga_processes(tmp_path, env) as worker:
        assert beat_sent(tmp_path, "inventory-expire-reservations"), "beat never ticked"
        order_id = shop.order(customer, quantity=2)

        order = shop.settled(customer, order_id, "rejected")
        assert order["rejection_reason"] == "reservation_expired", worker_log(worker)
        assert history(order)[-1] == ("rejected", "ReservationExpired")
        shop.payment_reaches(customer, order_id, "refunded")
        assert len(stripe.refunds) == 1
        shop.stock_reaches(staff, FULL_STOCK)


def test_stock_gone_at_commit_cancels_by_system_and_refunds(
    queues_emptied: None,
    stripe: FakeStripe,
    shop: Shop,
    staff: str,
    customer: str,
    tmp_path: Path,
) -> None:
    """The interleaving is staged with real processes, each step waiting for the last:
    1. a worker takes the order through reservation to the charge, which the fake stalls;
       the worker is stopped meanwhile and finishes that charge as it goes (captured:
       `PaymentCaptured` waits in ordering's queue, no worker left to take it);
    2. beat's expiry runs (here, in this process): the reservation, past its three seconds,
       is released and `ReservationExpired` queues behind the capture; staff count the shelf
       empty;
    3. one worker process takes the queues in order: ordering confirms on the capture (the
       expiry, after it, changes nothing), inventory cannot take the stock again:
       `StockCommitFailed`, the order cancelled by the system and refunded, no stock
       returned."""
    env = on_fake_stripe(stripe)
    stripe.stall_next(1, seconds=6.0)

    with saga_processes(tmp_path, env, beat=False):
        order_id = shop.order(customer, quantity=2)
        charging = wait_until(
            lambda: bool(stripe.keys_seen("/v1/payment_intents")), timeout=SETTLE_SECONDS
        )
        assert charging, "the charge never reached Stripe"
    shop.payment_reaches(customer, order_id, "captured")
    assert shop.order_of(customer, order_id)["status"] == "pending"

    assert expire_reservations() == 1
    shop.call(
        "POST",
        f"/api/v1/inventory/stock/{SKU}/adjust",
        {"quantity": -5, "reason": "shelf found empty"},
        token=staff,
    )

    with saga_processes(tmp_path, env, concurrency=1):
        order = shop.settled(customer, order_id, "cancelled")
        assert history(order)[-2:] == [
            ("confirmed", "PaymentCaptured"),
            ("cancelled", "StockCommitFailed"),
        ]
        shop.payment_reaches(customer, order_id, "refunded")
        shop.stock_reaches(staff, {"on_hand": 0, "reserved": 0, "available": 0})
