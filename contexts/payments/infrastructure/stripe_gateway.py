"""The Stripe gateway (`PAYMENT_GATEWAY=stripe`), on Stripe's official SDK (ADR 0028).

- A charge is one PaymentIntent, created and confirmed with the customer's payment method
  in one call; our payment and order ids travel in its metadata, so a webhook finds our
  payment even when the call's answer was lost.
- Every call carries an idempotency key derived from our payment id (`payment.charge_key`,
  `payment.refund_key`): a retry, a redelivery or the sweep sends the same key, and Stripe
  answers it with the first result instead of charging again.
- Each attempt is bounded by `STRIPE_TIMEOUT_SECONDS`. Transient failures (no connection,
  a timeout, 429, 5xx) are retried `STRIPE_MAX_RETRIES` times with exponential backoff and
  jitter; a decline never is: it is an answer. A 409 is Stripe still working on an earlier
  request with the same key (our attempt that timed out, or another run's): retried, as
  Stripe asks, and still there past the retries it is `GatewayBusy`, not a failure: the
  payment is left for the run holding that request, the webhook or the sweep.
- A circuit breaker (pybreaker) counts calls that failed past their retries; after
  `PAYMENT_BREAKER_FAIL_MAX` in a row it opens and calls fail at once, for
  `PAYMENT_BREAKER_RESET_SECONDS`, before one trial call. Retries exhausted or the breaker
  open: `GatewayUnavailable` (the payment fails with `gateway_unavailable`).
- `requires_action` (3-D Secure) fails with `authentication_required`: this API has no
  authentication flow.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pybreaker
import stripe
import structlog

from contexts.payments.application.ports import (
    ChargeResult,
    GatewayBusy,
    GatewayUnavailable,
    PaymentGateway,
    RefundRefused,
)
from contexts.payments.domain.payment import Payment
from contexts.payments.infrastructure.metrics import BreakerMetrics
from shared_kernel.domain.money import minor_unit_places

logger = structlog.get_logger(__name__)
T = TypeVar("T")

TRANSIENT = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)


@dataclass(frozen=True, slots=True)
class StripeSettings:
    api_key: str
    api_base: str = ""
    timeout_seconds: float = 10.0
    max_retries: int = 2
    backoff_seconds: float = 0.5
    breaker_fail_max: int = 5
    breaker_reset_seconds: float = 30.0

    @property
    def longest_call_seconds(self) -> float:
        """The most one call can take: every attempt's connect and read timeouts, and
        every backoff with its largest jitter."""
        attempts = self.max_retries + 1
        backoffs = sum(self.backoff_seconds * 2**n for n in range(self.max_retries))
        return attempts * 2 * self.timeout_seconds + 1.5 * backoffs


class StripeGateway(PaymentGateway):
    def __init__(
        self, config: StripeSettings, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._config = config
        self._sleep = sleep
        self._client = stripe.StripeClient(
            config.api_key,
            base_addresses={"api": config.api_base} if config.api_base else None,
            max_network_retries=0,  # retried here, for transient errors only
            http_client=stripe.RequestsClient(timeout=config.timeout_seconds),
        )
        # One breaker per process: each worker stops calling a gateway it sees failing.
        self.breaker = pybreaker.CircuitBreaker(
            fail_max=config.breaker_fail_max,
            reset_timeout=config.breaker_reset_seconds,
            # A decline, a refused request or a key in flight is Stripe answering: not a
            # failure to count.
            exclude=[_answered],
            listeners=[BreakerMetrics()],
            name="stripe",
        )

    def charge(self, payment: Payment) -> ChargeResult:
        try:
            intent = self._call(
                lambda: self._client.v1.payment_intents.create(
                    params={
                        "amount": _minor_units(payment),
                        "currency": payment.amount.currency.lower(),
                        "payment_method": payment.payment_method,
                        "confirm": True,
                        "automatic_payment_methods": {
                            "enabled": True,
                            "allow_redirects": "never",
                        },
                        "metadata": {
                            "payment_id": str(payment.id),
                            "order_id": str(payment.order_id),
                        },
                    },
                    options={"idempotency_key": payment.charge_key},
                )
            )
        except stripe.CardError as declined:
            return _declined(declined)
        except stripe.InvalidRequestError as refused:  # an unknown or unusable method
            logger.info("stripe_charge_refused", payment_id=str(payment.id), code=refused.code)
            return ChargeResult.failed("declined")
        return _charge_result(intent)

    def refund(self, payment: Payment) -> None:
        try:
            self._call(
                lambda: self._client.v1.refunds.create(
                    params={"payment_intent": payment.gateway_reference},
                    options={"idempotency_key": payment.refund_key},
                )
            )
        except stripe.InvalidRequestError as refused:
            if refused.code == "charge_already_refunded":
                return
            logger.error("stripe_refund_refused", payment_id=str(payment.id), code=refused.code)
            raise RefundRefused(refused.code or "invalid_request") from refused

    def _call(self, request: Callable[[], T]) -> T:
        """The request through the breaker, retried on transient errors inside it."""
        try:
            return self.breaker.call(self._with_retries, request)
        except pybreaker.CircuitBreakerError as open_breaker:
            raise GatewayUnavailable("Stripe's circuit breaker is open.") from open_breaker
        except TRANSIENT as failed:
            if _in_progress(failed):
                raise GatewayBusy(f"Stripe is still at work on this key: {failed}") from failed
            raise GatewayUnavailable(f"Stripe did not answer: {failed}") from failed
        except stripe.AuthenticationError as misconfigured:
            raise GatewayUnavailable("Stripe refused our API key.") from misconfigured

    def _with_retries(self, request: Callable[[], T]) -> T:
        for attempt in range(self._config.max_retries + 1):
            try:
                return request()
            except TRANSIENT as failed:
                if attempt == self._config.max_retries or not _transient(failed):
                    raise
                delay = self._config.backoff_seconds * 2**attempt
                logger.warning("stripe_retry", attempt=attempt + 1, error=type(failed).__name__)
                self._sleep(delay + random.uniform(0, delay / 2))  # noqa: S311 (jitter)
        raise AssertionError("unreachable")


def _transient(error: stripe.StripeError) -> bool:
    """A 4xx dressed as an APIError (Stripe sends 4xx as their own kinds) is not retried,
    but for a key in flight (409: Stripe asks to try again later)."""
    status = error.http_status
    return status is None or status in (409, 429) or status >= 500


def _answered(error: BaseException) -> bool:
    return isinstance(error, (stripe.CardError, stripe.InvalidRequestError)) or _in_progress(error)


def _in_progress(error: BaseException) -> bool:
    """Stripe's 409: an earlier request with this idempotency key is still being processed."""
    return isinstance(error, stripe.APIError) and error.http_status == 409


def _minor_units(payment: Payment) -> int:
    return int(payment.amount.amount.scaleb(minor_unit_places(payment.amount.currency)))


def _charge_result(intent: Any) -> ChargeResult:
    if intent.status == "succeeded":
        return ChargeResult.captured(intent.id)
    if intent.status == "requires_action":
        return ChargeResult.failed("authentication_required", intent.id)
    if intent.status == "processing":
        # Not a card's answer: fail it as unknown; if it succeeds later, the webhook finds
        # the payment failed and the money goes back (Payment.charge_landed).
        raise GatewayUnavailable(f"PaymentIntent {intent.id} is still processing.")
    return ChargeResult.failed("declined", intent.id)


def _declined(declined: stripe.CardError) -> ChargeResult:
    intent = declined.error.payment_intent if declined.error else None
    reference = str(intent.id) if intent is not None else ""
    if declined.code == "authentication_required":
        return ChargeResult.failed("authentication_required", reference)
    return ChargeResult.failed("declined", reference)
