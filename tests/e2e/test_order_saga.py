"""The whole order saga over HTTP on PostgreSQL, with eager Celery (ARCHITECTURE.md §4, §8).

Every step goes through the API as a frontend and staff would: staff create, publish and
stock a product; a customer registers, signs in and orders; the saga runs through
inventory, payments and ordering's subscribers on the bus (async subscribers run eagerly,
in the process, after each commit: `eager_delivery`); the outcome is read back through the
API (the order, its payments, the stock). The same story with a real worker on Redis is
`test_order_saga_worker.py`.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache

from contexts.inventory.application.services import inventory_use_cases
from contexts.inventory.tasks import expire_reservations
from contexts.payments.infrastructure.sandbox import SandboxGateway
from shared_kernel.messaging import bus
from shared_kernel.messaging.testing import eager_delivery
from tests.ordering.saga_steps import PRICE, SKU, Shop, api_shop, history
from tests.support.factories import StaffFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(settings: Any) -> Iterator[Shop]:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    cache.clear()  # throttle counters: every client here is 127.0.0.1
    with eager_delivery():
        yield api_shop()


@pytest.fixture
def staff(shop: Shop) -> str:
    StaffFactory(email="staff@example.com", raw_password="correct-horse-battery-staple")
    token = shop.sign_in("staff@example.com")
    shop.stock_a_product(token, quantity=5)
    return token


@pytest.fixture
def customer(shop: Shop, staff: str) -> str:
    return shop.register("ann@example.com")


def test_a_card_that_works_confirms_captures_and_commits_the_stock(
    shop: Shop, staff: str, customer: str
) -> None:
    order_id = shop.order(customer, quantity=2)

    order = shop.settled(customer, order_id, "confirmed")
    assert history(order) == [
        ("pending", "customer"),
        ("pending", "StockReserved"),
        ("confirmed", "PaymentCaptured"),
    ]
    payment = shop.payment_reaches(customer, order_id, "captured")
    assert payment["amount"] == {"amount": "25.00", "currency": "EUR"}
    assert order["total"] == {"amount": "25.00", "currency": "EUR"}
    assert order["lines"][0]["unit_price"]["amount"] == PRICE
    shop.stock_reaches(staff, {"on_hand": 3, "reserved": 0, "available": 3})


def test_a_declined_card_rejects_fails_the_payment_and_releases_the_stock(
    shop: Shop, staff: str, customer: str
) -> None:
    order_id = shop.order(customer, method="pm_card_chargeDeclined")

    order = shop.settled(customer, order_id, "rejected")
    assert order["rejection_reason"] == "payment_declined"
    assert shop.payment_reaches(customer, order_id, "failed")["failure_reason"]
    shop.stock_reaches(staff, {"on_hand": 5, "reserved": 0, "available": 5})


def test_beyond_the_stock_rejects_out_of_stock_with_no_payment(
    shop: Shop, staff: str, customer: str
) -> None:
    order_id = shop.order(customer, quantity=6)

    order = shop.settled(customer, order_id, "rejected")
    assert order["rejection_reason"] == "out_of_stock"
    assert history(order) == [("pending", "customer"), ("rejected", "StockReservationFailed")]
    assert shop.payments(customer, order_id) == []
    shop.stock_reaches(staff, {"on_hand": 5, "reserved": 0, "available": 5})


def test_cancelling_refunds_and_returns_the_stock(shop: Shop, staff: str, customer: str) -> None:
    order_id = shop.order(customer, quantity=2)
    shop.settled(customer, order_id, "confirmed")
    shop.stock_reaches(staff, {"on_hand": 3, "reserved": 0, "available": 3})

    cancelled = shop.call("POST", f"/api/v1/orders/{order_id}/cancel", token=customer)

    assert cancelled["status"] == "cancelled"
    assert cancelled["history"][-1]["cause"] == "customer"
    shop.payment_reaches(customer, order_id, "refunded")
    shop.stock_reaches(staff, {"on_hand": 5, "reserved": 0, "available": 5})


def test_staff_ship_a_confirmed_order(shop: Shop, staff: str, customer: str) -> None:
    order_id = shop.order(customer)
    shop.settled(customer, order_id, "confirmed")

    ship = f"/api/v1/orders/{order_id}/ship"
    shop.call("POST", ship, {"tracking_number": "1Z"}, token=customer, expect=403)
    shipped = shop.call("POST", ship, {"tracking_number": "1Z"}, token=staff)

    assert (shipped["status"], shipped["tracking_number"]) == ("shipped", "1Z")
    assert shop.order_of(customer, order_id)["status"] == "shipped"
    shop.call("POST", f"/api/v1/orders/{order_id}/cancel", token=customer, expect=409)
    shop.payment_reaches(customer, order_id, "captured")


@pytest.fixture
def charge_in_flight(monkeypatch: pytest.MonkeyPatch, settings: Any) -> list[Callable[[], object]]:
    """What happens elsewhere while the sandbox's charge is in flight: the steps appended
    run inside the gateway call, before it answers. Reservations are due at once
    (`RESERVATION_TTL_SECONDS=0`), so beat's expiry, run there, releases the order's."""
    settings.RESERVATION_TTL_SECONDS = 0
    meanwhile: list[Callable[[], object]] = []
    charge = SandboxGateway.charge

    def slow_charge(gateway: SandboxGateway, payment: Any) -> Any:
        for step in meanwhile:
            step()
        return charge(gateway, payment)

    monkeypatch.setattr(SandboxGateway, "charge", slow_charge)
    return meanwhile


def test_a_reservation_expiring_during_the_charge_rejects_and_the_capture_is_refunded(
    shop: Shop, staff: str, customer: str, charge_in_flight: list[Callable[[], object]]
) -> None:
    charge_in_flight.append(expire_reservations)

    order_id = shop.order(customer, quantity=2)

    order = shop.settled(customer, order_id, "rejected")
    assert order["rejection_reason"] == "reservation_expired"
    assert history(order)[-1] == ("rejected", "ReservationExpired")
    shop.payment_reaches(customer, order_id, "refunded")
    shop.stock_reaches(staff, {"on_hand": 5, "reserved": 0, "available": 5})


def test_stock_gone_at_commit_cancels_by_system_and_refunds(
    shop: Shop,
    staff: str,
    customer: str,
    charge_in_flight: list[Callable[[], object]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The reservation expires during the charge and staff count the shelf empty; ordering
    hears of the expiry only later (its delivery held back here), so it confirms; inventory
    cannot take the stock again: `StockCommitFailed`."""
    monkeypatch.delitem(bus._subscriptions, "ordering.on_reservation_expired")
    charge_in_flight.append(expire_reservations)
    charge_in_flight.append(
        lambda: inventory_use_cases().adjust_stock(
            sku=SKU, quantity=-5, reason="shelf found empty", by=None
        )
    )

    order_id = shop.order(customer, quantity=2)

    order = shop.settled(customer, order_id, "cancelled")
    assert history(order)[-2:] == [
        ("confirmed", "PaymentCaptured"),
        ("cancelled", "StockCommitFailed"),
    ]
    shop.payment_reaches(customer, order_id, "refunded")
    shop.stock_reaches(staff, {"on_hand": 0, "reserved": 0, "available": 0})
