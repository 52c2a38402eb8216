"""Ordering's demo loader: a few orders of the demo customer, placed once."""

from typing import Any

import pytest

from contexts.ordering.demo import load_demo_orders
from contexts.ordering.models import Order
from shared_kernel.demo import demo_loaders
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_registered_with_the_other_loaders() -> None:
    assert demo_loaders()["ordering"] is load_demo_orders


def test_places_the_demo_customers_orders_once(catalog: Any) -> None:
    customer = UserFactory.create(email="customer@example.com")

    load_demo_orders()
    load_demo_orders()

    placed = Order.objects.filter(customer_id=customer.pk)
    assert sorted(placed.values_list("payment_method", flat=True)) == [
        "pm_card_chargeDeclined",
        "pm_card_visa",
    ]  # the fake catalog has two SKUs on sale
    assert set(placed.values_list("status", flat=True)) == {"pending"}


def test_without_the_demo_customer_it_places_nothing() -> None:
    assert "no account" in load_demo_orders()[0]
    assert not Order.objects.exists()
