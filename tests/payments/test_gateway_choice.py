"""`PAYMENT_GATEWAY` picks the adapter; Stripe's is built from the payments settings."""

import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from contexts.payments.bootstrap import configured_gateway
from contexts.payments.infrastructure.sandbox import SandboxGateway
from contexts.payments.infrastructure.stripe_gateway import StripeGateway
from contexts.payments.tasks import settle_payment
from tests.support.processes import python


def test_the_sandbox_is_the_default():
    assert isinstance(configured_gateway(), SandboxGateway)


def test_stripe_is_built_from_the_settings(settings):
    settings.PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_API_KEY = "sk_test_x"
    settings.PAYMENT_BREAKER_FAIL_MAX = 7
    settings.PAYMENT_BREAKER_RESET_SECONDS = 12.0
    gateway = configured_gateway()
    assert isinstance(gateway, StripeGateway)
    assert (gateway.breaker.fail_max, gateway.breaker.reset_timeout) == (7, 12.0)


def test_an_unknown_gateway_refuses_to_start(settings):
    settings.PAYMENT_GATEWAY = "paypal"
    with pytest.raises(ImproperlyConfigured, match="sandbox' or 'stripe"):
        configured_gateway()


def test_stripe_without_an_api_key_refuses_to_start(settings):
    settings.PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_API_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="STRIPE_API_KEY"):
        configured_gateway()


def test_stripe_whose_retries_could_outlast_the_settlement_time_limit_refuses_to_start(
    settings,
):
    """3 attempts x (10 s connect + 10 s read) + backoffs: 62.25 s fits the default 90 s;
    with 20 s timeouts it would not, and the task would be killed mid-call."""
    settings.PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_API_KEY = "sk_test_x"
    assert isinstance(configured_gateway(), StripeGateway)
    settings.STRIPE_TIMEOUT_SECONDS = 20.0
    with pytest.raises(ImproperlyConfigured, match="PAYMENT_SETTLE_TIME_LIMIT_SECONDS"):
        configured_gateway()


def test_the_settlement_task_is_killed_at_its_own_time_limit(settings):
    assert settle_payment.time_limit == settings.PAYMENT_SETTLE_TIME_LIMIT_SECONDS == 90
    assert settle_payment.soft_time_limit < settle_payment.time_limit
    assert settle_payment.time_limit < settings.PAYMENT_SETTLE_GRACE_SECONDS


@pytest.mark.parametrize(("grace", "starts"), [("120", True), ("90", False)])
def test_a_grace_not_outlasting_the_settlement_time_limit_refuses_to_start(grace, starts):
    """Else the sweep could start a settlement beside one still running. Settings are read
    once per process: a fresh interpreter each time."""
    env = {**os.environ, "PAYMENT_SETTLE_GRACE_SECONDS": grace}
    env.pop("PAYMENT_SETTLE_TIME_LIMIT_SECONDS", None)
    result = python(env, "-c", "import config.settings")
    assert (result.returncode == 0) is starts, result.stderr
    if not starts:
        assert "must outlast PAYMENT_SETTLE_TIME_LIMIT_SECONDS" in result.stderr
