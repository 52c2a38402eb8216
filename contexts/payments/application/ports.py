"""Payments' ports: what its use cases need, implemented by Django adapters
(`infrastructure/`) and by in-memory fakes in the tests.

The gateway port has two adapters (sandbox, Stripe; `PAYMENT_GATEWAY` picks one); its
calls are made outside any transaction and carry the payment's idempotency keys.
"""

import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Self

from contexts.payments.contracts import FailureReason
from contexts.payments.domain.payment import Payment, PaymentId
from shared_kernel.application.pages import Page, PageRequest
from shared_kernel.domain.errors import InfrastructureError, InvalidInput
from shared_kernel.domain.money import Money


class PaymentRepository(ABC):
    @abstractmethod
    def get(self, payment_id: PaymentId) -> Payment:
        """The payment, or PaymentNotFound."""

    @abstractmethod
    def find(self, payment_id: PaymentId) -> Payment | None: ...

    @abstractmethod
    def find_by_order(self, order_id: uuid.UUID) -> Payment | None: ...

    @abstractmethod
    def find_by_reference(self, reference: str) -> Payment | None:
        """The payment whose charge the gateway knows as `reference`."""

    @abstractmethod
    def add(self, payment: Payment) -> None:
        """One payment per order: a second for the same order is refused (a Conflict)."""

    @abstractmethod
    def save(self, payment: Payment) -> None:
        """Versioned: a payment changed since it was loaded is a StaleAggregate."""

    @abstractmethod
    def claim_awaiting_gateway(
        self, *, untouched_since: datetime, now: datetime, limit: int
    ) -> list[PaymentId]:
        """Up to `limit` payments with gateway work left (pending, or a refund due) not
        changed since `untouched_since` (their settlement was lost: a crash, a broker
        down), oldest first, each claimed by a conditional touch to `now`: a concurrent
        sweep takes none of them, and the next sweep leaves them a grace period again."""


@dataclass(frozen=True, slots=True)
class OrderGate:
    """Payments' tombstone for an order: once closed (rejected or cancelled), the order is
    never charged, whatever arrives later."""

    order_id: uuid.UUID
    closed_at: datetime | None = None
    closed_by_sequence: int | None = None

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class OrderGates(ABC):
    @abstractmethod
    def hold(self, order_id: uuid.UUID) -> OrderGate:
        """The order's gate, created open if new, held (locked) until the unit of work ends:
        opening a payment and closing its order take turns, so neither misses the other."""

    @abstractmethod
    def close(self, order_id: uuid.UUID, *, sequence: int, at: datetime) -> None:
        """Close a gate `hold` returned in this unit of work; closing twice keeps the first."""


class Settlements(ABC):
    """Where a payment with gateway work goes once the unit of work that gave it commits."""

    @abstractmethod
    def settle_after_commit(self, payment_id: PaymentId) -> None: ...


@dataclass(frozen=True, slots=True)
class ChargeResult:
    """The gateway's answer to a charge: captured, or failed with the reason."""

    reference: str
    failure_reason: FailureReason | None = None

    @classmethod
    def captured(cls, reference: str) -> Self:
        return cls(reference=reference)

    @classmethod
    def failed(cls, reason: FailureReason, reference: str = "") -> Self:
        return cls(reference=reference, failure_reason=reason)

    @property
    def is_captured(self) -> bool:
        return self.failure_reason is None


class GatewayUnavailable(InfrastructureError):
    """The gateway did not answer: timeouts or server errors past the retries, or the
    circuit breaker open. Never a decline."""

    title = "Payment gateway unavailable"
    code = "gateway_unavailable"


class GatewayBusy(InfrastructureError):
    """The gateway is still working on an earlier request with the same idempotency key
    (our own attempt that timed out, or another run's: the sweep's, a redelivered task's).
    Not an answer: whoever holds that request, the webhook or the sweep records it."""

    title = "Payment gateway busy with this request"
    code = "gateway_busy"


class RefundRefused(InfrastructureError):
    """The gateway answered that it will not make this refund, and asking again changes
    nothing (a disputed charge, a payment it does not know). An answer, unlike
    `GatewayUnavailable`: the refund stops being due, and staff settle it."""

    title = "Payment gateway refused the refund"
    code = "refund_refused"

    def __init__(self, reason: str) -> None:
        super().__init__(f"The gateway refused the refund: {reason}.")
        self.reason = reason


class PaymentGateway(ABC):
    @abstractmethod
    def charge(self, payment: Payment) -> ChargeResult:
        """Charge the payment's amount with its method, keyed by `payment.charge_key`.
        GatewayUnavailable when it cannot tell; GatewayBusy while the key is in flight."""

    @abstractmethod
    def refund(self, payment: Payment) -> None:
        """Return the payment's charge (`payment.gateway_reference`), keyed by
        `payment.refund_key`. GatewayUnavailable when it cannot tell; GatewayBusy while
        the key is in flight; RefundRefused when it says no for good."""


GatewayEventKind = Literal["charge_succeeded", "charge_failed", "charge_refunded"]


@dataclass(frozen=True, slots=True)
class GatewayEvent:
    """What the gateway tells us about one of our charges (a Stripe webhook event)."""

    event_id: str
    kind: GatewayEventKind
    reference: str
    payment_id: PaymentId | None = None
    failure_reason: FailureReason = "declined"


class WebhookSignatureInvalid(InvalidInput):
    title = "Webhook signature invalid"
    code = "webhook_signature_invalid"

    def __init__(self, message: str) -> None:
        super().__init__("signature", [message])


class WebhookReader(ABC):
    @abstractmethod
    def read(self, payload: bytes, signature: str) -> GatewayEvent | None:
        """The event a signed webhook carries; None for a type payments does not reconcile.
        WebhookSignatureInvalid for a missing, bad or stale signature, or a payload that
        is not an event."""


class GatewayEventLog(ABC):
    @abstractmethod
    def first_time(self, event_id: str) -> bool:
        """Record the gateway event as processed in this unit of work; False if it was."""

    @abstractmethod
    def prune(self, *, received_before: datetime) -> int:
        """Forget the events received before then; how many were forgotten."""


@dataclass(frozen=True, slots=True)
class PaymentView:
    id: uuid.UUID
    order_id: uuid.UUID
    status: str
    amount: Money
    failure_reason: str | None


class PaymentQueries(ABC):
    @abstractmethod
    def of_order(self, order_id: uuid.UUID, page: PageRequest) -> Page[PaymentView]:
        """The order's payments, newest first."""
