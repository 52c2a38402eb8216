"""The sandbox gateway honours Stripe's test payment methods, with no network."""

import uuid
from datetime import UTC, datetime

import pytest

from contexts.payments.application.ports import GatewayUnavailable
from contexts.payments.domain.payment import Payment
from contexts.payments.infrastructure.sandbox import SandboxGateway
from shared_kernel.domain.money import Money


def a_payment(method: str) -> Payment:
    return Payment.request(
        order_id=uuid.uuid4(),
        customer_id=uuid.uuid4(),
        amount=Money.of("5.00", "EUR"),
        payment_method=method,
        at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_visa_succeeds():
    payment = a_payment("pm_card_visa")
    result = SandboxGateway().charge(payment)
    assert result.is_captured
    assert result.reference == f"sandbox_pi_{payment.id.hex}"


@pytest.mark.parametrize("method", ["pm_card_chargeDeclined", "pm_card_unknown", "tok_visa", ""])
def test_the_declining_card_and_anything_else_is_declined(method):
    result = SandboxGateway().charge(a_payment(method))
    assert not result.is_captured
    assert result.failure_reason == "declined"


def test_a_card_needing_3d_secure_fails_for_authentication():
    result = SandboxGateway().charge(a_payment("pm_card_authenticationRequired"))
    assert result.failure_reason == "authentication_required"


def test_a_gateway_that_does_not_answer_can_be_played():
    with pytest.raises(GatewayUnavailable):
        SandboxGateway().charge(a_payment("pm_sandbox_gateway_unavailable"))


def test_a_refund_always_succeeds():
    SandboxGateway().refund(a_payment("pm_card_visa"))
