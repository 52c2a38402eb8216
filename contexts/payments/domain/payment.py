"""The payment: one order's charge at the gateway, and its return (ARCHITECTURE.md §4).

A payment is opened `pending` when ordering asks for it (`PaymentRequested`), then the
gateway's answer moves it once: `captured`, or `failed` with a reason. An order closed
before the charge (rejected) voids a pending payment; a closed order's captured payment is
returned (`refunded`). Money the gateway took after we had given up on it (a charge whose
answer came late, through the webhook or a retry) is owed back too: the payment keeps its
status and is marked `refund_due`, and the refund moves it to `refunded`.
"""

import enum
import uuid
from datetime import datetime
from typing import Self

from contexts.payments.contracts import (
    FailureReason,
    PaymentCaptured,
    PaymentFailed,
    PaymentRefunded,
)
from contexts.payments.domain.errors import IllegalPaymentTransition
from shared_kernel.domain.aggregate import AggregateRoot
from shared_kernel.domain.ids import EntityId
from shared_kernel.domain.money import Money


class PaymentId(EntityId):
    """A payment's id; the gateway's idempotency keys are derived from it."""


class PaymentStatus(enum.StrEnum):
    PENDING = "pending"
    CAPTURED = "captured"
    FAILED = "failed"
    VOIDED = "voided"
    REFUNDED = "refunded"


FAILURE_REASONS: tuple[FailureReason, ...] = (
    "declined",
    "authentication_required",
    "gateway_unavailable",
)


class Payment(AggregateRoot):
    """One order's payment, a versioned aggregate. Its rules:

    - only a pending payment is charged, captured, failed or voided;
    - a payment is refunded once, and only when money was taken: a captured payment, or a
      voided or failed one whose charge landed late (`refund_due`);
    - `failure_reason` is set exactly when the payment failed;
    - a refund the gateway refused for good is no longer due (`refund_refusal` says why):
      staff return the money by hand, and the gateway's word that they did refunds it.
    """

    def __init__(
        self,
        *,
        id: PaymentId,
        order_id: uuid.UUID,
        customer_id: uuid.UUID,
        amount: Money,
        payment_method: str,
        created_at: datetime,
        status: PaymentStatus = PaymentStatus.PENDING,
        failure_reason: FailureReason | None = None,
        gateway_reference: str = "",
        refund_due: bool = False,
        refund_refusal: str = "",
        version: int = 0,
    ) -> None:
        super().__init__(version=version)
        self.id = id
        self.order_id = order_id
        self.customer_id = customer_id
        self.amount = amount
        self.payment_method = payment_method
        self.created_at = created_at
        self._status = status
        self._failure_reason = failure_reason
        self._gateway_reference = gateway_reference
        self._refund_due = refund_due
        self._refund_refusal = refund_refusal

    @classmethod
    def request(
        cls,
        *,
        order_id: uuid.UUID,
        customer_id: uuid.UUID,
        amount: Money,
        payment_method: str,
        at: datetime,
    ) -> Self:
        """A pending payment for an order's amount; nothing is charged yet."""
        return cls(
            id=PaymentId.new(),
            order_id=order_id,
            customer_id=customer_id,
            amount=amount,
            payment_method=payment_method,
            created_at=at,
        )

    @property
    def status(self) -> PaymentStatus:
        return self._status

    @property
    def failure_reason(self) -> FailureReason | None:
        return self._failure_reason

    @property
    def gateway_reference(self) -> str:
        """The gateway's id of the charge (a Stripe PaymentIntent), once known."""
        return self._gateway_reference

    @property
    def refund_due(self) -> bool:
        """Money was taken and must go back: the refund step has work to do."""
        return self._refund_due

    @property
    def refund_refusal(self) -> str:
        """Why the gateway refused the refund for good ("" unless it did): staff's to settle."""
        return self._refund_refusal

    @property
    def charge_key(self) -> str:
        """The idempotency key of this payment's one charge: every retry, redelivery or
        sweep sends the same, so the gateway charges once."""
        return f"payment-{self.id}-charge"

    @property
    def refund_key(self) -> str:
        return f"payment-{self.id}-refund"

    def capture(self, *, reference: str) -> None:
        self._require(PaymentStatus.PENDING, "capture")
        self._status, self._gateway_reference = PaymentStatus.CAPTURED, reference
        self.record(
            PaymentCaptured(
                payment_id=self.id,
                order_id=self.order_id,
                customer_id=self.customer_id,
                amount=self.amount,
            )
        )

    def fail(self, *, reason: FailureReason, reference: str = "") -> None:
        self._require(PaymentStatus.PENDING, "fail")
        if reason not in FAILURE_REASONS:
            raise ValueError(f"{reason!r} is not a failure reason.")
        self._status, self._failure_reason = PaymentStatus.FAILED, reason
        self._gateway_reference = reference or self._gateway_reference
        self.record(
            PaymentFailed(
                payment_id=self.id,
                order_id=self.order_id,
                customer_id=self.customer_id,
                reason=reason,
            )
        )

    def void(self) -> None:
        """The order closed before the charge: it is never charged afterwards."""
        self._require(PaymentStatus.PENDING, "void")
        self._status = PaymentStatus.VOIDED

    def request_refund(self) -> None:
        """The order closed after the capture: the money goes back. Asking twice is once."""
        self._require(PaymentStatus.CAPTURED, "refund")
        self._refund_due = True

    def charge_landed(self, *, reference: str) -> None:
        """The gateway says it took the money. Pending: captured. Captured: nothing new.
        Voided or failed (we had given up on the charge): the money is owed back."""
        if self._status is PaymentStatus.PENDING:
            self.capture(reference=reference)
        elif self._status in (PaymentStatus.VOIDED, PaymentStatus.FAILED):
            self._gateway_reference, self._refund_due = reference, True

    def refund_refused(self, *, reason: str) -> None:
        """The gateway will never return this money on our asking (a disputed charge, a
        payment it does not know): no longer due, so no run asks again; staff settle it."""
        if not self._refund_due:
            raise IllegalPaymentTransition(self._status, "refuse a refund")
        self._refund_due, self._refund_refusal = False, reason or "refused"

    def refunded(self) -> None:
        """The gateway returned the money: a refund we asked for, or one staff made in
        Stripe's dashboard on a captured payment or one whose refund it had refused."""
        if (
            self._status is not PaymentStatus.CAPTURED
            and not self._refund_due
            and not self._refund_refusal
        ):
            raise IllegalPaymentTransition(self._status, "refund")
        self._status, self._refund_due = PaymentStatus.REFUNDED, False
        self.record(
            PaymentRefunded(
                payment_id=self.id,
                order_id=self.order_id,
                customer_id=self.customer_id,
                amount=self.amount,
            )
        )

    def _require(self, status: PaymentStatus, action: str) -> None:
        if self._status is not status:
            raise IllegalPaymentTransition(self._status, action)
