"""Payments' steps of the order saga through the bus: ordering's events in, the payment
and payments' events out; idempotent and tolerant of events out of order."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from contexts.payments import tasks
from contexts.payments.infrastructure.models import OrderGate, Payment
from shared_kernel.messaging.models import InboxEntry
from shared_kernel.messaging.testing import deliver_pending, eager_delivery
from tests.payments.fakes import ScriptedGateway
from tests.payments.saga import (
    CUSTOMER,
    deliver,
    gateway_in_use,
    order_cancelled,
    order_rejected,
    payment_requested,
    published_by_payments,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway():
    with gateway_in_use(ScriptedGateway()) as scripted:
        yield scripted


@pytest.fixture
def order_id() -> uuid.UUID:
    return uuid.uuid4()


def test_a_requested_payment_is_charged_and_captured(
    order_id, gateway, django_capture_on_commit_callbacks
):
    payment_requested(order_id)
    deliver(django_capture_on_commit_callbacks)
    payment = Payment.objects.get(order_id=order_id)
    assert (payment.status, payment.customer_id, str(payment.amount)) == (
        "captured",
        CUSTOMER,
        "42.000",
    )
    [captured] = published_by_payments(order_id)
    assert captured.event_type == "PaymentCaptured"
    assert captured.aggregate_id == str(payment.id)
    assert captured.sequence == payment.version == 2
    assert captured.payload["amount"] == {"amount": "42.00", "currency": "EUR"}
    assert gateway.charges == [f"payment-{payment.id}-charge"]


def test_a_declined_card_fails_the_payment_with_its_reason(
    order_id, gateway, django_capture_on_commit_callbacks
):
    payment_requested(order_id, method="pm_card_chargeDeclined")
    deliver(django_capture_on_commit_callbacks)
    payment = Payment.objects.get(order_id=order_id)
    assert (payment.status, payment.failure_reason) == ("failed", "declined")
    [failed] = published_by_payments(order_id)
    assert (failed.event_type, failed.payload["reason"]) == ("PaymentFailed", "declined")


def test_the_default_sandbox_gateway_captures_a_visa(order_id, django_capture_on_commit_callbacks):
    payment_requested(order_id)
    deliver(django_capture_on_commit_callbacks)
    payment = Payment.objects.get(order_id=order_id)
    assert payment.status == "captured"
    assert payment.gateway_reference == f"sandbox_pi_{payment.id.hex}"


def test_a_request_published_twice_opens_one_payment_charged_once(
    order_id, gateway, django_capture_on_commit_callbacks
):
    payment_requested(order_id)
    payment_requested(order_id)
    deliver(django_capture_on_commit_callbacks)
    assert Payment.objects.filter(order_id=order_id).count() == 1
    assert len(gateway.charges) == 1
    assert [e.event_type for e in published_by_payments(order_id)] == ["PaymentCaptured"]


def test_a_rejection_met_before_the_request_means_no_payment(
    order_id, gateway, django_capture_on_commit_callbacks
):
    order_rejected(order_id)
    deliver(django_capture_on_commit_callbacks)
    payment_requested(order_id)
    deliver(django_capture_on_commit_callbacks)
    assert not Payment.objects.filter(order_id=order_id).exists()
    assert gateway.charges == []
    gate = OrderGate.objects.get(pk=order_id)
    assert gate.closed_at is not None
    assert gate.closed_by_sequence == 4


def test_a_rejection_before_the_charge_ran_voids_the_payment(
    order_id, gateway, django_capture_on_commit_callbacks
):
    payment_requested(order_id)
    order_rejected(order_id)
    deliver(django_capture_on_commit_callbacks)  # both handled before the charge starts
    assert Payment.objects.get(order_id=order_id).status == "voided"
    assert gateway.charges == []
    assert published_by_payments(order_id) == []


def test_a_rejection_after_the_capture_refunds_once(
    order_id, gateway, django_capture_on_commit_callbacks
):
    payment_requested(order_id)
    deliver(django_capture_on_commit_callbacks)
    order_rejected(order_id)
    order_rejected(order_id)
    deliver(django_capture_on_commit_callbacks)
    payment = Payment.objects.get(order_id=order_id)
    assert payment.status == "refunded"
    assert gateway.refunds == [f"payment-{payment.id}-refund"]
    refunded = published_by_payments(order_id)[-1]
    assert (refunded.event_type, refunded.sequence) == ("PaymentRefunded", 4)
    assert refunded.payload["customer_id"] == str(CUSTOMER)


def test_a_cancellation_refunds_the_capture(order_id, gateway, django_capture_on_commit_callbacks):
    payment_requested(order_id)
    deliver(django_capture_on_commit_callbacks)
    order_cancelled(order_id)
    deliver(django_capture_on_commit_callbacks)
    assert Payment.objects.get(order_id=order_id).status == "refunded"
    assert [e.event_type for e in published_by_payments(order_id)] == [
        "PaymentCaptured",
        "PaymentRefunded",
    ]


def test_the_gateway_is_called_after_the_subscriber_committed(
    order_id, gateway, django_capture_on_commit_callbacks
):
    payment_requested(order_id)
    deliver_pending()  # the subscriber ran; its commit's callbacks have not
    assert Payment.objects.get(order_id=order_id).status == "pending"
    assert InboxEntry.objects.filter(subscriber="payments.open_payment").exists()
    assert gateway.charges == []


def test_the_saga_subscriptions_are_declared_on_the_payments_queue():
    from shared_kernel.messaging import bus

    names = {
        "payments.open_payment",
        "payments.close_on_rejection",
        "payments.refund_on_cancellation",
    }
    for name in names:
        subscription = bus.subscription_named(name)
        assert subscription is not None
        assert (subscription.queue, subscription.mode) == ("payments", "async")


def test_the_sweep_starts_the_charge_of_a_payment_whose_start_was_lost(
    order_id, gateway, django_capture_on_commit_callbacks
):
    payment_requested(order_id)
    deliver_pending()  # committed, but the after-commit start never ran (a crash)
    assert tasks.sweep_settlements() == 0  # too recent: its own start may be running
    Payment.objects.filter(order_id=order_id).update(
        updated_at=timezone.now() - timedelta(minutes=5)
    )
    with eager_delivery(), django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_settlements() == 1  # its charge: a task of its own, after commit
    assert Payment.objects.get(order_id=order_id).status == "captured"
    assert len(gateway.charges) == 1
    assert tasks.sweep_settlements() == 0


def test_a_swept_payment_is_claimed_so_the_next_sweep_leaves_it_its_grace(order_id, gateway):
    """Its start swept but lost again (or still queued): beat's next sweep does not start a
    second settlement at once; one grace period later it does."""
    payment_requested(order_id)
    deliver_pending()
    long_ago = timezone.now() - timedelta(minutes=5)
    Payment.objects.filter(order_id=order_id).update(updated_at=long_ago)
    assert tasks.sweep_settlements() == 1  # its start, after commit, lost
    assert tasks.sweep_settlements() == 0
    Payment.objects.filter(order_id=order_id).update(updated_at=long_ago)
    assert tasks.sweep_settlements() == 1
    assert gateway.charges == []


def test_a_refund_made_due_on_an_old_payment_waits_out_the_grace_too(order_id, gateway):
    """The grace runs from the payment's last change, not from its creation: a refund just
    made due has its own start running, and the sweep leaves it to it."""
    payment_requested(order_id)
    deliver_pending()
    tasks.settle_payment(str(Payment.objects.get(order_id=order_id).pk))
    Payment.objects.filter(order_id=order_id).update(updated_at=timezone.now() - timedelta(days=3))
    order_cancelled(order_id)
    deliver_pending()  # refund due, committed; its after-commit start not run yet
    assert Payment.objects.get(order_id=order_id).refund_due
    assert tasks.sweep_settlements() == 0
    assert gateway.refunds == []
