"""`PAYMENT_GATEWAY` picks the adapter; Stripe's is built from the payments settings."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from contexts.payments.bootstrap import configured_gateway
from contexts.payments.infrastructure.sandbox import SandboxGateway
from contexts.payments.infrastructure.stripe_gateway import StripeGateway


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
