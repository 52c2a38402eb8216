"""The Stripe adapter, on Stripe's SDK, against a local fake of Stripe's API: what it sends,
what it retries (transient errors only, with the same idempotency key), and the circuit
breaker. No database."""

import dataclasses
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pybreaker
import pytest

from contexts.payments.application.ports import GatewayBusy, GatewayUnavailable, RefundRefused
from contexts.payments.domain.payment import Payment, PaymentId, PaymentStatus
from contexts.payments.infrastructure.stripe_gateway import StripeGateway, StripeSettings
from shared_kernel.domain.money import Money
from tests.payments.fake_stripe import FakeStripe
from tests.payments.fakes import PaymentsFakes

INTENTS, REFUNDS = "/v1/payment_intents", "/v1/refunds"


@pytest.fixture
def fake() -> Iterator[FakeStripe]:
    with FakeStripe() as server:
        yield server


def gateway_for(fake: FakeStripe, **overrides: Any) -> StripeGateway:
    config = StripeSettings(
        api_key="sk_test_fake", api_base=fake.url, timeout_seconds=2.0, max_retries=2
    )
    return StripeGateway(dataclasses.replace(config, **overrides), sleep=lambda _: None)


def a_payment(method: str = "pm_card_visa", amount: str = "42.50") -> Payment:
    return Payment.request(
        order_id=uuid.uuid4(),
        customer_id=uuid.uuid4(),
        amount=Money.of(amount, "EUR"),
        payment_method=method,
        at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_a_good_card_is_one_confirmed_payment_intent_keyed_by_our_payment(fake):
    payment = a_payment()
    result = gateway_for(fake).charge(payment)
    assert result.is_captured
    [seen] = fake.requests
    assert seen.path == INTENTS
    assert seen.idempotency_key == payment.charge_key
    assert seen.form["amount"] == "4250"
    assert seen.form["currency"] == "eur"
    assert seen.form["payment_method"] == "pm_card_visa"
    assert seen.form["confirm"] == "true"
    assert seen.form["metadata[payment_id]"] == str(payment.id)
    assert seen.form["metadata[order_id]"] == str(payment.order_id)
    assert result.reference in fake.intents


def test_a_decline_is_an_answer_not_retried(fake):
    result = gateway_for(fake).charge(a_payment("pm_card_chargeDeclined"))
    assert (result.is_captured, result.failure_reason) == (False, "declined")
    assert result.reference in fake.intents
    assert len(fake.requests) == 1


def test_an_unknown_payment_method_is_declined_not_retried(fake):
    result = gateway_for(fake).charge(a_payment("pm_bogus"))
    assert result.failure_reason == "declined"
    assert len(fake.requests) == 1


def test_requires_action_fails_for_authentication(fake):
    result = gateway_for(fake).charge(a_payment("pm_card_authenticationRequired"))
    assert result.failure_reason == "authentication_required"


def test_a_500_then_success_charges_once_with_the_same_key(fake):
    payment = a_payment()
    fake.fail_next(1, status=500)
    result = gateway_for(fake).charge(payment)
    assert result.is_captured
    assert fake.keys_seen(INTENTS) == [payment.charge_key, payment.charge_key]
    assert list(fake.intents) == [result.reference]  # one PaymentIntent: charged once


def test_a_charge_sent_again_after_its_answer_was_lost_is_replayed_not_repeated(fake):
    payment = a_payment()
    first = gateway_for(fake).charge(payment)
    again = gateway_for(fake).charge(payment)  # a redelivery, the sweep, another worker
    assert again == first
    assert len(fake.intents) == 1


def test_server_errors_past_the_retries_are_the_gateway_unavailable(fake):
    fake.fail_next(3, status=503)
    with pytest.raises(GatewayUnavailable):
        gateway_for(fake).charge(a_payment())
    assert len(fake.requests) == 3  # the first attempt and two retries
    assert fake.intents == {}


def test_a_4xx_other_than_a_decline_is_not_retried(fake):
    fake.fail_next(1, status=401)
    with pytest.raises(GatewayUnavailable, match="API key"):
        gateway_for(fake).charge(a_payment())
    assert len(fake.requests) == 1


def test_timeouts_open_the_breaker_and_then_no_call_goes_out(fake):
    gateway = gateway_for(fake, timeout_seconds=0.2, max_retries=0, breaker_fail_max=2)
    fake.stall_next(2, seconds=0.6)
    for _ in range(2):
        with pytest.raises(GatewayUnavailable):
            gateway.charge(a_payment())
    assert len(fake.requests) == 2  # two charges, each timed out
    assert gateway.breaker.current_state == pybreaker.STATE_OPEN
    with pytest.raises(GatewayUnavailable, match="breaker is open"):
        gateway.charge(a_payment())
    assert len(fake.requests) == 2


def test_a_retry_meeting_stripe_still_at_work_on_the_timed_out_attempt_gets_its_answer(fake):
    """Attempt 1 times out while Stripe goes on; attempt 2 is a 409 (the key in flight),
    retried as Stripe asks; attempt 3 gets the first attempt's answer replayed."""
    pauses: list[float] = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 2:
            fake.wait_idle()

    payment = a_payment()
    fake.stall_next(1, seconds=0.6, then_answer=True)
    gateway = StripeGateway(
        StripeSettings(api_key="sk_test_fake", api_base=fake.url, timeout_seconds=0.2),
        sleep=pause,
    )
    assert gateway.charge(payment).is_captured
    assert fake.keys_seen(INTENTS) == [payment.charge_key] * 3
    assert len(fake.intents) == 1


def test_stripe_still_at_work_past_the_retries_is_busy_not_a_failure(fake):
    """Neither an answer nor a failure: the breaker does not count it, and the charge sent
    again once Stripe is done (the sweep's) gets the answer, charged once."""
    payment = a_payment()
    fake.stall_next(1, seconds=0.6, then_answer=True)
    gateway = gateway_for(fake, timeout_seconds=0.2, max_retries=1, breaker_fail_max=1)
    with pytest.raises(GatewayBusy):
        gateway.charge(payment)
    assert gateway.breaker.current_state == pybreaker.STATE_CLOSED
    fake.wait_idle()
    assert gateway.charge(payment).is_captured
    assert len(fake.intents) == 1


def a_visa_payment_opened(fakes: PaymentsFakes) -> Payment:
    payment = fakes.use_cases().open_payment(
        order_id=uuid.uuid4(),
        customer_id=uuid.uuid4(),
        amount=Money.of("10.00", "EUR"),
        payment_method="pm_card_visa",
    )
    assert payment is not None
    return payment


def test_two_runs_settling_one_payment_at_once_capture_it_and_fail_nothing(fake):
    """The after-commit start and the sweep charge one payment at once, in two worker
    processes (each its own gateway and breaker): Stripe works on the first and answers the
    second 409. The second records nothing; the first captures."""
    fakes = PaymentsFakes()
    fakes.gateway = gateway_for(fake, max_retries=1)
    first_worker = fakes.use_cases()
    fakes.gateway = gateway_for(fake, max_retries=1)
    payment = a_visa_payment_opened(fakes)
    fake.stall_next(1, seconds=0.5, then_answer=True)
    with ThreadPoolExecutor(max_workers=1) as first_run:
        first = first_run.submit(first_worker.settle_payment, payment_id=payment.id)
        while not fake.requests:
            time.sleep(0.01)
        second = fakes.use_cases().settle_payment(payment_id=payment.id)
        assert second.status is PaymentStatus.PENDING
        assert first.result(timeout=10).status is PaymentStatus.CAPTURED
    assert [type(event).__name__ for event in fakes.uow.events] == ["PaymentCaptured"]
    assert len(fake.intents) == 1


def test_declines_never_open_the_breaker(fake):
    gateway = gateway_for(fake, breaker_fail_max=1)
    for _ in range(3):
        gateway.charge(a_payment("pm_card_chargeDeclined"))
    assert gateway.breaker.current_state == pybreaker.STATE_CLOSED
    assert gateway.charge(a_payment()).is_captured


def test_the_breaker_lets_a_trial_call_through_after_its_reset_time(fake):
    gateway = gateway_for(fake, max_retries=0, breaker_fail_max=1, breaker_reset_seconds=0.0)
    fake.fail_next(1, status=500)
    with pytest.raises(GatewayUnavailable):
        gateway.charge(a_payment())
    assert gateway.charge(a_payment()).is_captured
    assert gateway.breaker.current_state == pybreaker.STATE_CLOSED


def test_a_refund_is_keyed_by_the_payment_and_a_repeat_refunds_nothing_more(fake):
    gateway = gateway_for(fake)
    payment = a_payment()
    payment.capture(reference=gateway.charge(payment).reference)
    gateway.refund(payment)
    gateway.refund(payment)
    assert fake.keys_seen(REFUNDS) == [payment.refund_key, payment.refund_key]
    assert len(fake.refunds) == 1


def test_a_charge_refunded_already_at_stripe_counts_as_refunded(fake):
    gateway = gateway_for(fake)
    payment = a_payment()
    payment.capture(reference=gateway.charge(payment).reference)
    gateway.refund(payment)
    same_charge = Payment(
        id=PaymentId.new(),  # another refund key: Stripe answers "already refunded"
        order_id=payment.order_id,
        customer_id=payment.customer_id,
        amount=payment.amount,
        payment_method=payment.payment_method,
        created_at=payment.created_at,
        status=PaymentStatus.CAPTURED,
        gateway_reference=payment.gateway_reference,
    )
    gateway.refund(same_charge)
    assert len(fake.keys_seen(REFUNDS)) == 2
    assert len(fake.refunds) == 1


def test_a_refund_stripe_refuses_is_refused_for_good_not_unavailable(fake):
    payment = a_payment()
    payment.capture(reference="pi_unknown")
    with pytest.raises(RefundRefused) as refused:
        gateway_for(fake).refund(payment)
    assert refused.value.reason == "resource_missing"
    assert fake.keys_seen(REFUNDS) == [payment.refund_key], "asked once, not retried"


def test_through_the_use_case_an_unavailable_gateway_fails_the_payment(fake):
    fakes = PaymentsFakes()
    fakes.gateway = gateway_for(fake, max_retries=0)
    fake.fail_next(1, status=502)
    payment = a_visa_payment_opened(fakes)
    fakes.settle_due()
    failed = fakes.payments.get(payment.id)
    assert (failed.status, failed.failure_reason) == (PaymentStatus.FAILED, "gateway_unavailable")
