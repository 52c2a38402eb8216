"""The payment's transitions, legal and illegal: plain pytest, no database, no Django."""

import uuid
from datetime import UTC, datetime

import pytest

from contexts.payments.contracts import PaymentCaptured, PaymentFailed, PaymentRefunded
from contexts.payments.domain.errors import IllegalPaymentTransition
from contexts.payments.domain.payment import Payment, PaymentStatus
from shared_kernel.domain.errors import IllegalTransition
from shared_kernel.domain.money import Money

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
AMOUNT = Money.of("19.90", "EUR")


def a_payment(status: str = "pending") -> Payment:
    payment = Payment.request(
        order_id=uuid.uuid4(),
        customer_id=uuid.uuid4(),
        amount=AMOUNT,
        payment_method="pm_card_visa",
        at=NOW,
    )
    if status == "captured":
        payment.capture(reference="pi_1")
    elif status == "failed":
        payment.fail(reason="declined")
    elif status == "voided":
        payment.void()
    elif status == "refunded":
        payment.capture(reference="pi_1")
        payment.request_refund()
        payment.refunded()
    payment.mark_saved()
    payment.collect_events()
    return payment


def raised(payment: Payment) -> list[object]:
    payment.mark_saved()
    return [recorded.event for recorded in payment.collect_events()]


def test_a_requested_payment_is_pending_and_announces_nothing():
    payment = a_payment()
    assert payment.status is PaymentStatus.PENDING
    assert payment.failure_reason is None
    assert not payment.refund_due
    assert raised(payment) == []


def test_idempotency_keys_come_from_the_payment_id_and_differ_per_step():
    payment = a_payment()
    assert payment.charge_key == f"payment-{payment.id}-charge"
    assert payment.refund_key == f"payment-{payment.id}-refund"


def test_capture_announces_the_amount_for_the_order_and_customer():
    payment = a_payment()
    payment.capture(reference="pi_123")
    assert payment.status is PaymentStatus.CAPTURED
    assert payment.gateway_reference == "pi_123"
    assert raised(payment) == [
        PaymentCaptured(
            payment_id=payment.id,
            order_id=payment.order_id,
            customer_id=payment.customer_id,
            amount=AMOUNT,
        )
    ]


@pytest.mark.parametrize("reason", ["declined", "authentication_required", "gateway_unavailable"])
def test_fail_keeps_and_announces_its_reason(reason):
    payment = a_payment()
    payment.fail(reason=reason)
    assert payment.status is PaymentStatus.FAILED
    assert payment.failure_reason == reason
    assert raised(payment) == [
        PaymentFailed(
            payment_id=payment.id,
            order_id=payment.order_id,
            customer_id=payment.customer_id,
            reason=reason,
        )
    ]


def test_fail_refuses_an_unknown_reason():
    with pytest.raises(ValueError, match="not a failure reason"):
        a_payment().fail(reason="bored")


def test_void_ends_a_pending_payment_quietly():
    payment = a_payment()
    payment.void()
    assert payment.status is PaymentStatus.VOIDED
    assert raised(payment) == []


def test_a_refund_of_a_captured_payment_is_asked_for_then_recorded():
    payment = a_payment("captured")
    payment.request_refund()
    payment.request_refund()  # asking twice is asking once
    assert payment.status is PaymentStatus.CAPTURED
    assert payment.refund_due
    payment.refunded()
    assert payment.status is PaymentStatus.REFUNDED
    assert not payment.refund_due
    assert raised(payment) == [
        PaymentRefunded(
            payment_id=payment.id,
            order_id=payment.order_id,
            customer_id=payment.customer_id,
            amount=AMOUNT,
        )
    ]


def test_a_refund_made_at_the_gateway_on_a_captured_payment_is_recorded():
    payment = a_payment("captured")
    payment.refunded()
    assert payment.status is PaymentStatus.REFUNDED


def test_a_charge_landing_on_a_pending_payment_captures_it():
    payment = a_payment()
    payment.charge_landed(reference="pi_9")
    assert payment.status is PaymentStatus.CAPTURED
    assert [type(event) for event in raised(payment)] == [PaymentCaptured]


def test_a_charge_landing_again_on_a_captured_payment_changes_nothing():
    payment = a_payment("captured")
    payment.charge_landed(reference="pi_1")
    assert payment.status is PaymentStatus.CAPTURED
    assert not payment.refund_due
    assert raised(payment) == []


@pytest.mark.parametrize("status", ["voided", "failed"])
def test_a_charge_landing_after_we_gave_up_is_owed_back(status):
    payment = a_payment(status)
    payment.charge_landed(reference="pi_late")
    assert payment.status == status
    assert payment.refund_due
    assert payment.gateway_reference == "pi_late"
    payment.refunded()
    assert payment.status is PaymentStatus.REFUNDED
    assert [type(event) for event in raised(payment)] == [PaymentRefunded]


@pytest.mark.parametrize("status", ["captured", "voided"])
def test_a_refund_the_gateway_refused_for_good_is_no_longer_due(status):
    payment = a_payment(status)
    if status == "captured":
        payment.request_refund()
    else:
        payment.charge_landed(reference="pi_late")

    payment.refund_refused(reason="charge_disputed")

    assert not payment.refund_due
    assert payment.refund_refusal == "charge_disputed"
    assert payment.status == status
    assert raised(payment) == []


def test_staff_refunding_by_hand_after_a_refusal_refunds_the_payment():
    payment = a_payment("voided")
    payment.charge_landed(reference="pi_late")
    payment.refund_refused(reason="charge_disputed")

    payment.refunded()  # the gateway's word, from its webhook

    assert payment.status is PaymentStatus.REFUNDED
    assert [type(event) for event in raised(payment)] == [PaymentRefunded]


@pytest.mark.parametrize("status", ["pending", "captured", "refunded"])
def test_only_a_due_refund_can_be_refused(status):
    payment = a_payment(status)
    with pytest.raises(IllegalPaymentTransition):
        payment.refund_refused(reason="charge_disputed")
    assert payment.refund_refusal == ""


ILLEGAL = [
    ("captured", "capture"),
    ("failed", "capture"),
    ("voided", "capture"),
    ("refunded", "capture"),
    ("captured", "fail"),
    ("failed", "fail"),
    ("voided", "fail"),
    ("refunded", "fail"),
    ("captured", "void"),
    ("failed", "void"),
    ("voided", "void"),
    ("refunded", "void"),
    ("pending", "request_refund"),
    ("failed", "request_refund"),
    ("voided", "request_refund"),
    ("refunded", "request_refund"),
    ("pending", "refunded"),
    ("failed", "refunded"),
    ("voided", "refunded"),
    ("refunded", "refunded"),
]


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_illegal_transitions_are_refused_and_change_nothing(status, action):
    payment = a_payment(status)
    calls = {
        "capture": lambda: payment.capture(reference="pi_2"),
        "fail": lambda: payment.fail(reason="declined"),
        "void": payment.void,
        "request_refund": payment.request_refund,
        "refunded": payment.refunded,
    }
    with pytest.raises(IllegalPaymentTransition) as refused:
        calls[action]()
    assert isinstance(refused.value, IllegalTransition)  # 409 over HTTP
    assert payment.status == status
    assert raised(payment) == []
