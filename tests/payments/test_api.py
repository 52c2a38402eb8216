"""`GET /api/v1/payments?order=` over HTTP: the order's customer or staff; another
customer's order is 404, like an unknown one; cursor pages like every list."""

import uuid

import pytest

from contexts.payments.infrastructure.models import Payment
from tests.payments.saga import deliver, payment_requested
from tests.support.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory

URL = "/api/v1/payments"
PROBLEM_KEYS = {"type", "title", "status", "detail"}

pytestmark = pytest.mark.django_db


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body.keys() >= PROBLEM_KEYS
    return body


@pytest.fixture
def customer():
    return UserFactory(email="ann@example.com")


@pytest.fixture
def paid_order(customer, orders, django_capture_on_commit_callbacks):
    order_id = uuid.uuid4()
    orders.customers[order_id] = customer.pk
    payment_requested(order_id)
    deliver(django_capture_on_commit_callbacks)
    return order_id


def test_the_customer_lists_their_orders_payment(api, customer, paid_order):
    api.force_authenticate(customer)
    response = api.get(URL, {"order": str(paid_order)})
    assert response.status_code == 200
    payment = Payment.objects.get(order_id=paid_order)
    assert response.json() == {
        "next": None,
        "previous": None,
        "results": [
            {
                "id": str(payment.id),
                "order_id": str(paid_order),
                "status": "captured",
                "amount": {"amount": "42.00", "currency": "EUR"},
                "failure_reason": None,
            }
        ],
    }


def test_a_bearer_token_from_sign_in_works(api, customer, paid_order):
    token = api.post(
        "/api/v1/auth/token", {"email": customer.email, "password": DEFAULT_PASSWORD}
    ).json()["access"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get(URL, {"order": str(paid_order)}).json()["results"][0]["status"] == "captured"


def test_a_failed_payment_shows_its_reason(
    api, customer, orders, django_capture_on_commit_callbacks
):
    order_id = uuid.uuid4()
    orders.customers[order_id] = customer.pk
    payment_requested(order_id, method="pm_card_chargeDeclined")
    deliver(django_capture_on_commit_callbacks)
    api.force_authenticate(customer)
    [payment] = api.get(URL, {"order": str(order_id)}).json()["results"]
    assert (payment["status"], payment["failure_reason"]) == ("failed", "declined")


def test_staff_see_any_orders_payments(api, paid_order):
    api.force_authenticate(StaffFactory())
    assert len(api.get(URL, {"order": str(paid_order)}).json()["results"]) == 1


def test_an_order_without_a_payment_lists_none(api, customer, orders):
    order_id = uuid.uuid4()
    orders.customers[order_id] = customer.pk
    api.force_authenticate(customer)
    assert api.get(URL, {"order": str(order_id)}).json()["results"] == []


def test_another_customers_order_is_404_like_an_unknown_one(api, paid_order, orders):
    api.force_authenticate(UserFactory())
    other = problem(api.get(URL, {"order": str(paid_order)}), 404)
    unknown = problem(api.get(URL, {"order": str(uuid.uuid4())}), 404)
    assert other == unknown


def test_anonymous_is_401(api, paid_order):
    response = api.get(URL, {"order": str(paid_order)})
    problem(response, 401)
    assert "WWW-Authenticate" in response


@pytest.mark.parametrize("query", [{}, {"order": ""}, {"order": "not-a-uuid"}])
def test_a_missing_or_malformed_order_is_400_on_order(api, customer, orders, query):
    api.force_authenticate(customer)
    body = problem(api.get(URL, query), 400)
    assert list(body["errors"]) == ["order"]


def test_a_bad_cursor_is_400_on_cursor(api, customer, paid_order):
    api.force_authenticate(customer)
    body = problem(api.get(URL, {"order": str(paid_order), "cursor": "garbage"}), 400)
    assert list(body["errors"]) == ["cursor"]


def test_the_list_reads_in_a_constant_number_of_queries(
    api, customer, paid_order, django_assert_max_num_queries
):
    api.force_authenticate(customer)
    with django_assert_max_num_queries(1):
        api.get(URL, {"order": str(paid_order)})
