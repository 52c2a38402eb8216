"""Identity's demo loader: a staff and a customer login, loaded idempotently."""

import pytest

from contexts.identity.demo import CUSTOMER_EMAIL, DEMO_PASSWORD, STAFF_EMAIL, load_demo_accounts
from contexts.identity.models import User
from shared_kernel.demo import demo_loaders

pytestmark = pytest.mark.django_db


def test_is_registered_for_manage_py_demo_data():
    assert demo_loaders()["identity"] is load_demo_accounts


def test_loads_a_staff_and_a_customer_who_can_sign_in(api):
    lines = load_demo_accounts()

    assert any(f"{STAFF_EMAIL} / {DEMO_PASSWORD}" in line for line in lines)
    assert any(f"{CUSTOMER_EMAIL} / {DEMO_PASSWORD}" in line for line in lines)
    staff = User.objects.get(email=STAFF_EMAIL)
    assert staff.is_staff
    assert staff.is_superuser
    assert not User.objects.get(email=CUSTOMER_EMAIL).is_staff
    for email in (STAFF_EMAIL, CUSTOMER_EMAIL):
        response = api.post("/api/v1/auth/token", {"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 200


def test_loading_twice_changes_nothing():
    first = load_demo_accounts()
    snapshot = list(User.objects.order_by("email").values_list("id", "email", "is_staff"))

    assert load_demo_accounts() == first
    assert list(User.objects.order_by("email").values_list("id", "email", "is_staff")) == snapshot
