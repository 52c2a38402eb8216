"""Payments' composition root: the one place that picks adapters for the ports.

`PaymentsConfig.ready()` calls `wire()` once Django's apps are loaded; the gateway is the
one `PAYMENT_GATEWAY` names (`sandbox`, the default, or `stripe`). Ordering's facade is
fetched when it is asked (`orders`), so a test's `ordering_facade.overridden(fake)` applies.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from contexts.ordering.contracts import ordering_facade
from contexts.payments.application.ports import PaymentGateway
from contexts.payments.application.services import (
    PaymentsPorts,
    compose_use_cases,
    payments_use_cases,
)
from contexts.payments.infrastructure.repositories import (
    DjangoGatewayEventLog,
    DjangoOrderGates,
    DjangoPaymentQueries,
    DjangoPaymentRepository,
)
from contexts.payments.infrastructure.sandbox import SandboxGateway
from contexts.payments.infrastructure.settlements import CeleryAfterCommitSettlements
from contexts.payments.infrastructure.stripe_gateway import StripeGateway, StripeSettings
from contexts.payments.infrastructure.stripe_webhooks import StripeWebhookReader
from shared_kernel.application.clock import utc_now
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork


def settle_grace() -> timedelta:
    """Read at each sweep, so a changed setting (or a test's override) applies."""
    return timedelta(seconds=settings.PAYMENT_SETTLE_GRACE_SECONDS)


def gateway_event_retention() -> timedelta:
    """Read at each pruning, so a changed setting (or a test's override) applies."""
    return timedelta(days=settings.PAYMENT_GATEWAY_EVENT_RETENTION_DAYS)


def configured_gateway() -> PaymentGateway:
    if settings.PAYMENT_GATEWAY == "sandbox":
        return SandboxGateway()
    if settings.PAYMENT_GATEWAY == "stripe":
        if not settings.STRIPE_API_KEY:
            raise ImproperlyConfigured("PAYMENT_GATEWAY=stripe needs STRIPE_API_KEY.")
        return StripeGateway(_stripe_settings())
    raise ImproperlyConfigured(
        f"PAYMENT_GATEWAY={settings.PAYMENT_GATEWAY!r}: use 'sandbox' or 'stripe'."
    )


def _stripe_settings() -> StripeSettings:
    config = StripeSettings(
        api_key=settings.STRIPE_API_KEY,
        api_base=settings.STRIPE_API_BASE,
        timeout_seconds=settings.STRIPE_TIMEOUT_SECONDS,
        max_retries=settings.STRIPE_MAX_RETRIES,
        backoff_seconds=settings.STRIPE_RETRY_BACKOFF_SECONDS,
        breaker_fail_max=settings.PAYMENT_BREAKER_FAIL_MAX,
        breaker_reset_seconds=settings.PAYMENT_BREAKER_RESET_SECONDS,
    )
    if config.longest_call_seconds >= settings.PAYMENT_SETTLE_TIME_LIMIT_SECONDS:
        raise ImproperlyConfigured(
            f"Stripe's timeouts and retries can take {config.longest_call_seconds:g} s, not "
            f"less than PAYMENT_SETTLE_TIME_LIMIT_SECONDS "
            f"({settings.PAYMENT_SETTLE_TIME_LIMIT_SECONDS}): a settlement would be killed "
            "before its call ends."
        )
    return config


def django_ports(gateway: PaymentGateway | None = None) -> PaymentsPorts:
    return PaymentsPorts(
        uow=DjangoUnitOfWork,
        payments=DjangoPaymentRepository(),
        gates=DjangoOrderGates(),
        settlements=CeleryAfterCommitSettlements(),
        gateway=gateway or configured_gateway(),
        webhooks=StripeWebhookReader(),
        gateway_events=DjangoGatewayEventLog(),
        queries=DjangoPaymentQueries(),
        orders=ordering_facade,
        clock=utc_now,
        settle_grace=settle_grace,
        gateway_event_retention=gateway_event_retention,
    )


def wire(gateway: PaymentGateway | None = None) -> None:
    """Tests may pass a gateway of their own (a fake, or Stripe aimed at a fake server)."""
    payments_use_cases.provide(compose_use_cases(django_ports(gateway)))
