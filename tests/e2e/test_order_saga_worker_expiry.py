"""A reservation expiring while the charge is in flight, with a real worker and beat on
Redis and PostgreSQL and payments on Stripe's SDK against a local fake Stripe that stalls
the first charge (ARCHITECTURE.md §4): the order is rejected (`reservation_expired`), the
pending payment voided, and the charge that lands afterwards refunded; the stock is whole.

Reservations live one second here and beat expires them every half second; the fake's
first answer comes after four seconds (a 500, which payments retries: the charge lands).
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
from tests.payments.fake_stripe import FakeStripe
from tests.shared_kernel.messaging.workers import Worker
from tests.support.factories import StaffFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.xdist_group("celery-workers"),
    pytest.mark.django_db(transaction=True),
]

STALL_SECONDS = 4.0


@pytest.fixture
def stripe() -> Iterator[FakeStripe]:
    with FakeStripe() as fake:
        yield fake


@pytest.fixture
def worker(
    transactional_db: None, stripe: FakeStripe, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Worker]:
    forget_every_queue()
    with saga_processes(
        tmp_path_factory.mktemp("saga-expiry"),
        {
            "PAYMENT_GATEWAY": "stripe",
            "STRIPE_API_KEY": "sk_test_fake",
            "STRIPE_API_BASE": stripe.url,
            "RESERVATION_TTL_SECONDS": "1",
            "RESERVATION_EXPIRY_INTERVAL_SECONDS": "0.5",
        },
    ) as started:
        yield started
    forget_every_queue()


def test_a_charge_landing_after_the_reservation_expired_is_refunded(
    worker: Worker, stripe: FakeStripe
) -> None:
    cache.clear()
    shop: Shop = api_shop(wait_seconds=60)
    StaffFactory(email="staff@example.com", raw_password="correct-horse-battery-staple")
    staff = shop.sign_in("staff@example.com")
    shop.stock_a_product(staff, quantity=5)
    shop.stock_reaches(staff, {"on_hand": 5, "reserved": 0, "available": 5})
    customer = shop.register("ann@example.com")
    stripe.stall_next(1, seconds=STALL_SECONDS)

    order_id = shop.order(customer, quantity=2)

    order = shop.settled(customer, order_id, "rejected")
    assert order["rejection_reason"] == "reservation_expired", worker.log.read_text()[-3000:]
    assert history(order)[-1] == ("rejected", "ReservationExpired")
    shop.payment_reaches(customer, order_id, "refunded")
    assert len(stripe.refunds) == 1
    shop.stock_reaches(staff, {"on_hand": 5, "reserved": 0, "available": 5})
