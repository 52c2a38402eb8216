"""The payments back-office: listed, filtered and searched, read-only, with the way staff
refund (cancel the order) said on the page."""

import uuid

import pytest
from django.test import Client

from contexts.payments.admin import REFUND_HINT
from contexts.payments.infrastructure.models import Payment
from tests.payments.saga import deliver, payment_requested
from tests.support.factories import StaffFactory

LIST = "/admin/payments/payment/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.force_login(StaffFactory.create(email="boss@example.com", is_superuser=True))
    return client


@pytest.fixture
def payments(django_capture_on_commit_callbacks) -> tuple[Payment, Payment]:
    paid, declined = uuid.uuid4(), uuid.uuid4()
    payment_requested(paid)
    payment_requested(declined, method="pm_card_chargeDeclined")
    deliver(django_capture_on_commit_callbacks)
    return Payment.objects.get(order_id=paid), Payment.objects.get(order_id=declined)


def listed(response) -> set[uuid.UUID]:
    assert response.status_code == 200
    return {payment.pk for payment in response.context["cl"].result_list}


def test_lists_filters_and_searches_payments(staff_client, payments):
    paid, declined = payments
    assert listed(staff_client.get(LIST)) == {paid.pk, declined.pk}
    assert listed(staff_client.get(LIST, {"status__exact": "failed"})) == {declined.pk}
    assert listed(staff_client.get(LIST, {"failure_reason__exact": "declined"})) == {declined.pk}
    assert listed(staff_client.get(LIST, {"q": str(paid.order_id)})) == {paid.pk}


def test_staff_find_the_refunds_the_gateway_refused(staff_client, payments):
    paid, _declined = payments
    Payment.objects.filter(pk=paid.pk).update(refund_refusal="charge_disputed")

    refused = staff_client.get(LIST, {"refund_refusal__isempty": "0"})

    assert listed(refused) == {paid.pk}
    assert "charge_disputed" in refused.content.decode()


def test_the_list_says_how_staff_refund(staff_client, payments):
    page = staff_client.get(LIST).content.decode()
    assert f'<p class="help refund-hint">{REFUND_HINT}</p>' in page


def test_payments_are_read_only(staff_client, payments):
    paid, _ = payments
    page = staff_client.get(f"{LIST}{paid.pk}/change/")
    assert page.status_code == 200
    assert b'name="status"' not in page.content
    assert staff_client.get(f"{LIST}add/").status_code == 403
    assert staff_client.post(f"{LIST}{paid.pk}/delete/", {"post": "yes"}).status_code == 403
    staff_client.post(f"{LIST}{paid.pk}/change/", {"status": "refunded"})
    paid.refresh_from_db()
    assert paid.status == "captured"


def test_there_is_no_action_to_run_on_payments(staff_client, payments):
    assert staff_client.get(LIST).context["action_form"] is None
