"""Payments' saga steps with the Stripe adapter aimed at a local fake Stripe server, on the
database: the charge, the refund, and the crash window between charge and record closed
by the idempotency key and by the webhook."""

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest

from contexts.payments import tasks
from contexts.payments.infrastructure.models import Payment
from contexts.payments.infrastructure.stripe_gateway import StripeGateway, StripeSettings
from shared_kernel.messaging.testing import deliver_pending, eager_delivery
from tests.payments.fake_stripe import FakeStripe
from tests.payments.saga import (
    deliver,
    gateway_in_use,
    order_cancelled,
    payment_requested,
    published_by_payments,
)
from tests.payments.webhooks import SECRET, signature, stripe_event

pytestmark = pytest.mark.django_db

INTENTS, REFUNDS = "/v1/payment_intents", "/v1/refunds"


@pytest.fixture
def fake() -> Iterator[FakeStripe]:
    with FakeStripe() as server:
        yield server


@pytest.fixture
def stripe_in_use(fake: FakeStripe) -> Iterator[StripeGateway]:
    gateway = StripeGateway(
        StripeSettings(api_key="sk_test_fake", api_base=fake.url), sleep=lambda _: None
    )
    with gateway_in_use(gateway):
        yield gateway


def test_a_visa_is_charged_at_stripe_and_a_cancellation_refunded_there(
    fake, stripe_in_use, django_capture_on_commit_callbacks
):
    order_id = uuid.uuid4()
    payment_requested(order_id)
    deliver(django_capture_on_commit_callbacks)
    payment = Payment.objects.get(order_id=order_id)
    assert payment.status == "captured"
    assert payment.gateway_reference in fake.intents
    order_cancelled(order_id)
    deliver(django_capture_on_commit_callbacks)
    payment.refresh_from_db()
    assert payment.status == "refunded"
    assert fake.keys_seen(REFUNDS) == [f"payment-{payment.id}-refund"]
    assert [e.event_type for e in published_by_payments(order_id)] == [
        "PaymentCaptured",
        "PaymentRefunded",
    ]


def test_a_charge_whose_record_was_lost_is_charged_once_when_swept(
    fake, stripe_in_use, monkeypatch, django_capture_on_commit_callbacks
):
    order_id = uuid.uuid4()
    payment_requested(order_id)
    deliver_pending()
    payment = Payment.objects.get(order_id=order_id)
    real_charge = StripeGateway.charge

    def charged_then_crashed(self, charged):
        real_charge(self, charged)
        raise RuntimeError("worker killed before recording")

    monkeypatch.setattr(StripeGateway, "charge", charged_then_crashed)
    with pytest.raises(RuntimeError):
        tasks.settle_payment(str(payment.id))
    monkeypatch.setattr(StripeGateway, "charge", real_charge)
    a_while_ago = payment.created_at - timedelta(minutes=5)
    Payment.objects.filter(pk=payment.pk).update(updated_at=a_while_ago)
    with eager_delivery(), django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_settlements() == 1
    payment.refresh_from_db()
    assert payment.status == "captured"
    assert fake.keys_seen(INTENTS) == [f"payment-{payment.id}-charge"] * 2
    assert len(fake.intents) == 1  # charged once


def test_a_charge_whose_answer_was_lost_lands_through_the_webhook(
    api, fake, stripe_in_use, settings
):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    order_id = uuid.uuid4()
    payment_requested(order_id)
    deliver_pending()
    payment = Payment.objects.get(order_id=order_id)
    intent = {
        "id": "pi_fake_landed",
        "object": "payment_intent",
        "status": "succeeded",
        "metadata": {"payment_id": str(payment.id), "order_id": str(order_id)},
    }
    payload = stripe_event("evt_landed", "payment_intent.succeeded", intent)
    response = api.post(
        "/api/v1/payments/webhooks/stripe",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature(payload),
    )
    assert response.status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.gateway_reference) == ("captured", "pi_fake_landed")
    assert tasks.sweep_settlements() == 0  # nothing left for the sweep
