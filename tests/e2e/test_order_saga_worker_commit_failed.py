"""Stock gone by the time a confirmed order's reservation is committed, with real workers
on Redis and PostgreSQL (ARCHITECTURE.md §4): `StockCommitFailed`, the order cancelled by
the system and refunded, no stock returned.

The interleaving is staged with real processes, each step waiting for the last:
1. a worker takes the order through reservation to the charge, which the local fake Stripe
   stalls; the worker is stopped meanwhile and finishes that charge as it goes (captured:
   `PaymentCaptured` waits in ordering's queue, no worker left to take it);
2. beat's expiry runs (here, in this process): the reservation, past its one second, is
   released and `ReservationExpired` queues behind the capture; staff count the shelf empty;
3. one worker process takes the queues in order: ordering confirms on the capture (the
   expiry, after it, changes nothing), inventory cannot take the stock again.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

from contexts.inventory.tasks import expire_reservations
from tests.ordering.saga_steps import (
    SKU,
    Shop,
    api_shop,
    forget_every_queue,
    history,
    saga_processes,
)
from tests.payments.fake_stripe import FakeStripe
from tests.support.factories import StaffFactory
from tests.support.processes import wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.xdist_group("celery-workers"),
    pytest.mark.django_db(transaction=True),
]

STALL_SECONDS = 3.0


@pytest.fixture
def stripe() -> Iterator[FakeStripe]:
    with FakeStripe() as fake:
        yield fake


@pytest.fixture
def queues_emptied(transactional_db: None) -> Iterator[None]:
    forget_every_queue()
    yield
    forget_every_queue()


def test_stock_gone_at_commit_cancels_by_system_and_refunds(
    queues_emptied: None, stripe: FakeStripe, tmp_path: Path
) -> None:
    env = {
        "PAYMENT_GATEWAY": "stripe",
        "STRIPE_API_KEY": "sk_test_fake",
        "STRIPE_API_BASE": stripe.url,
        "RESERVATION_TTL_SECONDS": "1",
    }
    cache.clear()
    shop: Shop = api_shop(wait_seconds=60)
    StaffFactory(email="staff@example.com", raw_password="correct-horse-battery-staple")
    staff = shop.sign_in("staff@example.com")
    shop.stock_a_product(staff, quantity=5)
    customer = shop.register("ann@example.com")
    stripe.stall_next(1, seconds=STALL_SECONDS)

    with saga_processes(tmp_path, env, beat=False):
        shop.stock_reaches(staff, {"on_hand": 5, "reserved": 0, "available": 5})
        order_id = shop.order(customer, quantity=2)
        assert wait_until(lambda: bool(stripe.keys_seen("/v1/payment_intents")), timeout=60)
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
