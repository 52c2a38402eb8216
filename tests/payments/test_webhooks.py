"""`POST /api/v1/payments/webhooks/stripe`: Stripe's signature checked with its own scheme
(bad or stale: 400, nothing changed), our payment reconciled, each event processed once."""

import time
import uuid

import pytest

from contexts.payments.infrastructure.models import GatewayEvent, Payment
from shared_kernel.messaging.models import OutboxEvent
from shared_kernel.messaging.testing import deliver_pending
from tests.payments.saga import payment_requested, published_by_payments
from tests.payments.webhooks import SECRET, signature, stripe_event

URL = "/api/v1/payments/webhooks/stripe"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET


@pytest.fixture
def pending() -> Payment:
    """A payment whose charge went out but whose answer never came back."""
    order_id = uuid.uuid4()
    payment_requested(order_id)
    deliver_pending()  # recorded pending; the after-commit charge never ran
    return Payment.objects.get(order_id=order_id)


def succeeded(payment: Payment, event_id: str = "evt_ok") -> bytes:
    intent = {
        "id": "pi_landed",
        "object": "payment_intent",
        "status": "succeeded",
        "metadata": {"payment_id": str(payment.id), "order_id": str(payment.order_id)},
    }
    return stripe_event(event_id, "payment_intent.succeeded", intent)


def post(api, payload: bytes, sig: str | None):
    headers = {} if sig is None else {"HTTP_STRIPE_SIGNATURE": sig}
    return api.post(URL, payload, content_type="application/json", **headers)


def test_a_signed_success_captures_the_payment_whose_answer_was_lost(api, pending):
    payload = succeeded(pending)
    response = post(api, payload, signature(payload))
    assert response.status_code == 200
    assert response.json() == {"received": True}
    pending.refresh_from_db()
    assert (pending.status, pending.gateway_reference) == ("captured", "pi_landed")
    assert [e.event_type for e in published_by_payments(pending.order_id)] == ["PaymentCaptured"]


def test_a_replayed_event_is_200_with_no_second_effect(api, pending):
    payload = succeeded(pending)
    post(api, payload, signature(payload))
    events = OutboxEvent.objects.count()
    pending.refresh_from_db()
    version = pending.version
    again = post(api, payload, signature(payload))
    assert again.status_code == 200
    pending.refresh_from_db()
    assert pending.version == version
    assert OutboxEvent.objects.count() == events
    assert GatewayEvent.objects.filter(event_id="evt_ok").count() == 1


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda payload: signature(payload + b" "), id="tampered-body"),
        pytest.param(lambda payload: signature(payload, secret="whsec_other"), id="wrong-secret"),
        pytest.param(lambda payload: signature(payload, at=time.time() - 301), id="stale"),
        pytest.param(lambda payload: "t=1,v1=deadbeef", id="garbage"),
        pytest.param(lambda payload: None, id="missing"),
    ],
)
def test_a_bad_or_stale_signature_is_400_and_changes_nothing(api, pending, forge):
    payload = succeeded(pending)
    events = OutboxEvent.objects.count()
    response = post(api, payload, forge(payload))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert list(response.json()["errors"]) == ["signature"]
    pending.refresh_from_db()
    assert pending.status == "pending"
    assert not GatewayEvent.objects.exists()
    assert OutboxEvent.objects.count() == events


def test_a_signed_body_that_is_not_json_is_400(api):
    payload = b"not json"
    assert post(api, payload, signature(payload)).status_code == 400


def test_a_failed_charge_needing_authentication_fails_the_payment(api, pending):
    intent = {
        "id": "pi_3ds",
        "object": "payment_intent",
        "status": "requires_payment_method",
        "last_payment_error": {"code": "authentication_required"},
        "metadata": {"payment_id": str(pending.id)},
    }
    payload = stripe_event("evt_failed", "payment_intent.payment_failed", intent)
    assert post(api, payload, signature(payload)).status_code == 200
    pending.refresh_from_db()
    assert (pending.status, pending.failure_reason) == ("failed", "authentication_required")


def test_a_refund_made_in_stripes_dashboard_refunds_the_payment(api, pending):
    capture = succeeded(pending)
    post(api, capture, signature(capture))
    charge = {"id": "ch_1", "object": "charge", "payment_intent": "pi_landed", "refunded": True}
    refund = stripe_event("evt_refund", "charge.refunded", charge)
    assert post(api, refund, signature(refund)).status_code == 200
    pending.refresh_from_db()
    assert pending.status == "refunded"
    assert [e.event_type for e in published_by_payments(pending.order_id)] == [
        "PaymentCaptured",
        "PaymentRefunded",
    ]


def test_a_partial_refund_in_stripes_dashboard_leaves_the_payment_captured(api, pending):
    """Stripe sends `charge.refunded` for every refund; only a whole one (`refunded`)
    returns the payment. A partial one is acknowledged and left to staff."""
    capture = succeeded(pending)
    post(api, capture, signature(capture))
    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": "pi_landed",
        "amount": 4200,
        "amount_refunded": 1000,
        "refunded": False,
    }
    refund = stripe_event("evt_partial", "charge.refunded", charge)
    assert post(api, refund, signature(refund)).status_code == 200
    pending.refresh_from_db()
    assert pending.status == "captured"
    assert [e.event_type for e in published_by_payments(pending.order_id)] == ["PaymentCaptured"]


def test_other_event_types_are_acknowledged_and_ignored(api, pending):
    payload = stripe_event("evt_other", "customer.created", {"id": "cus_1", "object": "customer"})
    assert post(api, payload, signature(payload)).status_code == 200
    assert not GatewayEvent.objects.exists()


def test_no_csrf_token_or_session_is_needed_even_with_a_stray_cookie(pending):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = "stale"
    payload = succeeded(pending)
    response = client.post(
        URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature(payload)
    )
    assert response.status_code == 200


def test_without_a_webhook_secret_every_webhook_is_refused(api, pending, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = succeeded(pending)
    response = post(api, payload, signature(payload, secret=""))  # anyone can sign with ""
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_a_bad_bearer_token_is_401_here_too_and_changes_nothing(api, pending):
    """§5: a bad or expired bearer token is 401 on any route; Stripe itself sends none."""
    payload = succeeded(pending)
    response = api.post(
        URL,
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature(payload),
        HTTP_AUTHORIZATION="Bearer not-a-token",
    )

    assert response.status_code == 401
    pending.refresh_from_db()
    assert pending.status == "pending"
