"""Payments' business metrics, read from `/metrics`: payments by outcome, counted once the
change commits, and the Stripe breaker's changes of state."""

import uuid
from collections.abc import Iterator

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from contexts.payments.application.ports import GatewayUnavailable, RefundRefused
from contexts.payments.infrastructure.models import Payment
from contexts.payments.infrastructure.stripe_gateway import StripeGateway, StripeSettings
from shared_kernel.messaging.testing import deliver_pending
from tests.payments.fake_stripe import FakeStripe
from tests.payments.fakes import ScriptedGateway
from tests.payments.saga import (
    deliver,
    gateway_in_use,
    order_cancelled,
    order_rejected,
    payment_requested,
)
from tests.payments.test_stripe_gateway import a_payment

pytestmark = pytest.mark.django_db

OUTCOMES = "emporium_payments_outcomes_total"
BREAKER = "emporium_payments_gateway_breaker_changes_total"


def scraped(settings) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    settings.DEBUG = True  # /metrics is open in development
    response = Client().get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def gateway() -> Iterator[ScriptedGateway]:
    with gateway_in_use(ScriptedGateway()) as scripted:
        assert isinstance(scripted, ScriptedGateway)
        yield scripted


def test_payments_are_counted_by_outcome(settings, gateway, django_capture_on_commit_callbacks):
    outcomes = [
        ("opened", ""),
        ("captured", ""),
        ("failed", "declined"),
        ("voided", ""),
        ("refunded", ""),
    ]
    before = scraped(settings)
    paid, declined, rejected = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    payment_requested(paid)
    payment_requested(declined, method="pm_card_chargeDeclined")
    payment_requested(rejected)
    order_rejected(rejected)  # handled before its charge starts: voided
    deliver(django_capture_on_commit_callbacks)
    order_cancelled(paid)
    deliver(django_capture_on_commit_callbacks)
    after = scraped(settings)
    counted = {
        outcome: value(after, OUTCOMES, outcome=outcome, reason=reason)
        - value(before, OUTCOMES, outcome=outcome, reason=reason)
        for outcome, reason in outcomes
    }
    assert counted == {"opened": 3, "captured": 1, "failed": 1, "voided": 1, "refunded": 1}


def test_a_refund_the_gateway_refused_is_counted_with_its_reason_and_stored(
    settings, gateway, django_capture_on_commit_callbacks
):
    before = value(scraped(settings), OUTCOMES, outcome="refund_refused", reason="charge_disputed")
    order = uuid.uuid4()
    payment_requested(order)
    deliver(django_capture_on_commit_callbacks)
    gateway.refund_error = RefundRefused("charge_disputed")
    order_cancelled(order)
    deliver(django_capture_on_commit_callbacks)

    after = value(scraped(settings), OUTCOMES, outcome="refund_refused", reason="charge_disputed")
    assert after == before + 1
    row = Payment.objects.get(order_id=order)
    assert (row.status, row.refund_due, row.refund_refusal) == (
        "captured",
        False,
        "charge_disputed",
    )


def test_a_change_that_does_not_commit_counts_nothing(settings, gateway):
    before = value(scraped(settings), OUTCOMES, outcome="opened", reason="")
    payment_requested(uuid.uuid4())
    deliver_pending()  # opened inside the test's transaction, which never commits
    assert value(scraped(settings), OUTCOMES, outcome="opened", reason="") == before


def test_the_stripe_breaker_opening_is_counted(settings):
    before = value(scraped(settings), BREAKER, gateway="stripe", state="open")
    with FakeStripe() as fake:
        gateway = StripeGateway(
            StripeSettings(
                api_key="sk_test_fake", api_base=fake.url, max_retries=0, breaker_fail_max=1
            ),
            sleep=lambda _: None,
        )
        fake.fail_next(1, status=500)
        with pytest.raises(GatewayUnavailable):
            gateway.charge(a_payment())
    assert value(scraped(settings), BREAKER, gateway="stripe", state="open") == before + 1
