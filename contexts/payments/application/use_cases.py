"""Payments' use cases: each a frozen dataclass of the ports it needs. The unit of work
publishes what the payment raised (ARCHITECTURE.md §2); `services.compose_use_cases`
builds them all.

A charge or a refund is two short units of work around a gateway call made outside any
transaction (ADR 0028): the payment is recorded with its gateway work due (pending, or a
refund due) and committed; `SettlePayment` then calls the gateway and records the outcome
in a second unit of work, conditional on the payment's version and decided on its state
then, not before: an order closed while the call was in flight is honoured.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from contexts.payments.application.ports import (
    ChargeResult,
    GatewayBusy,
    GatewayEvent,
    GatewayEventLog,
    GatewayUnavailable,
    OrderGates,
    PaymentGateway,
    PaymentRepository,
    RefundRefused,
    Settlements,
    WebhookReader,
)
from contexts.payments.domain.payment import Payment, PaymentId, PaymentStatus
from shared_kernel.application.clock import Clock
from shared_kernel.application.unit_of_work import UnitOfWork
from shared_kernel.domain.aggregate import StaleAggregate
from shared_kernel.domain.money import Money

NewUnitOfWork = Callable[[], UnitOfWork]

STALE_ATTEMPTS = 3
SWEEP_BATCH = 500  # payments a sweep starts at most; the rest wait for the next sweep
T = TypeVar("T")


@dataclass(frozen=True, kw_only=True, slots=True)
class OpenPayment:
    """Ordering asks for a payment (`PaymentRequested`): record it pending, charge it after.

    One payment per order: a redelivered or repeated request finds the one there. An order
    payments already saw closed (its `OrderRejected` came first) gets no payment at all.
    """

    uow: NewUnitOfWork
    payments: PaymentRepository
    gates: OrderGates
    settlements: Settlements
    clock: Clock

    def __call__(
        self,
        *,
        order_id: uuid.UUID,
        customer_id: uuid.UUID,
        amount: Money,
        payment_method: str,
    ) -> Payment | None:
        with self.uow():
            if self.gates.hold(order_id).is_closed:
                return None
            existing = self.payments.find_by_order(order_id)
            if existing is not None:
                return existing  # its charge was started when it was opened (or is swept)
            payment = Payment.request(
                order_id=order_id,
                customer_id=customer_id,
                amount=amount,
                payment_method=payment_method,
                at=self.clock(),
            )
            self.payments.add(payment)
            self.settlements.settle_after_commit(payment.id)
        return payment


@dataclass(frozen=True, kw_only=True, slots=True)
class CloseOrderPayment:
    """The order is rejected or cancelled: void a pending payment (never charged after),
    return a captured one. An order with no payment yet is closed for good (a tombstone)."""

    uow: NewUnitOfWork
    payments: PaymentRepository
    gates: OrderGates
    settlements: Settlements
    clock: Clock

    def __call__(self, *, order_id: uuid.UUID, sequence: int) -> Payment | None:
        # The payment's charge may be recorded meanwhile (it does not take the gate): a
        # stale save is read again and decided on the payment as it is then.
        return _retrying_stale(lambda: self._close(order_id, sequence))

    def _close(self, order_id: uuid.UUID, sequence: int) -> Payment | None:
        with self.uow():
            self.gates.hold(order_id)
            self.gates.close(order_id, sequence=sequence, at=self.clock())
            payment = self.payments.find_by_order(order_id)
            if payment is None:
                return None
            if payment.status is PaymentStatus.PENDING:
                payment.void()
                self.payments.save(payment)
            elif payment.status is PaymentStatus.CAPTURED and not payment.refund_due:
                payment.request_refund()
                self.payments.save(payment)
                self.settlements.settle_after_commit(payment.id)
        return payment


@dataclass(frozen=True, kw_only=True, slots=True)
class SettlePayment:
    """Do a payment's gateway work: charge a pending one, return money that is due back.

    Run after the commit that made the work due, and again by the sweep for work whose run
    was lost. Any number of runs charge once: the gateway sees the same idempotency key.
    """

    uow: NewUnitOfWork
    payments: PaymentRepository
    gateway: PaymentGateway
    settlements: Settlements

    def __call__(self, *, payment_id: PaymentId) -> Payment:
        payment = self.payments.get(payment_id)
        if payment.status is PaymentStatus.PENDING:
            return self._charge(payment)
        if payment.refund_due:
            return self._refund(payment)
        return payment

    def _charge(self, payment: Payment) -> Payment:
        try:
            result = self.gateway.charge(payment)
        except GatewayUnavailable:
            result = ChargeResult.failed("gateway_unavailable")
        except GatewayBusy:
            return payment  # in flight: recorded by its run, the webhook or the sweep
        return self._record(payment.id, lambda current: self._apply_charge(current, result))

    def _apply_charge(self, payment: Payment, result: ChargeResult) -> None:
        if result.is_captured:
            payment.charge_landed(reference=result.reference)
            if payment.refund_due:  # the order closed while the charge was in flight
                self.settlements.settle_after_commit(payment.id)
        elif result.failure_reason is not None and payment.status is PaymentStatus.PENDING:
            payment.fail(reason=result.failure_reason, reference=result.reference)

    def _refund(self, payment: Payment) -> Payment:
        try:
            self.gateway.refund(payment)  # GatewayUnavailable: still due, swept again
        except GatewayBusy:
            return payment
        except RefundRefused as refused:
            reason = refused.reason
            return self._record(payment.id, lambda current: _apply_refusal(current, reason))
        return self._record(payment.id, _apply_refund)

    def _record(self, payment_id: PaymentId, apply: Callable[[Payment], None]) -> Payment:
        """Apply the gateway's answer to the payment as it is now, in a unit of work of its
        own; a change made meanwhile (a stale save) is read again and the answer reapplied."""

        def record() -> Payment:
            with self.uow():
                payment = self.payments.get(payment_id)
                before = _state(payment)
                apply(payment)
                if _state(payment) != before:
                    self.payments.save(payment)
            return payment

        return _retrying_stale(record)


def _retrying_stale(action: Callable[[], T]) -> T:
    """Run a unit of work again when its save found the payment changed since it was read."""
    for attempt in range(1, STALE_ATTEMPTS + 1):
        try:
            return action()
        except StaleAggregate:
            if attempt == STALE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _apply_refund(payment: Payment) -> None:
    if payment.refund_due:
        payment.refunded()


def _apply_refusal(payment: Payment, reason: str) -> None:
    if payment.refund_due:
        payment.refund_refused(reason=reason)


def _state(payment: Payment) -> tuple[object, ...]:
    return (payment.status, payment.refund_due, payment.gateway_reference)


@dataclass(frozen=True, kw_only=True, slots=True)
class ReconcileGatewayEvent:
    """A signed gateway webhook: bring our payment in line with what the gateway did.

    Each gateway event is processed once (a replay changes nothing); an event about a
    charge that is not ours, or already reflected, changes nothing either. A charge whose
    synchronous answer was lost lands here.
    """

    uow: NewUnitOfWork
    payments: PaymentRepository
    webhooks: WebhookReader
    gateway_events: GatewayEventLog
    settlements: Settlements

    def __call__(self, *, payload: bytes, signature: str) -> Payment | None:
        event = self.webhooks.read(payload, signature)
        if event is None:
            return None
        with self.uow():
            if not self.gateway_events.first_time(event.event_id):
                return None
            payment = self._payment_of(event)
            if payment is None:
                return None
            before = _state(payment)
            self._apply(payment, event)
            if _state(payment) != before:
                self.payments.save(payment)
        return payment

    def _payment_of(self, event: GatewayEvent) -> Payment | None:
        """By our id in the charge's metadata (set before the gateway answered, so a charge
        whose answer was lost is found), else by the gateway's reference."""
        if event.payment_id is not None:
            found = self.payments.find(event.payment_id)
            if found is not None:
                return found
        return self.payments.find_by_reference(event.reference) if event.reference else None

    def _apply(self, payment: Payment, event: GatewayEvent) -> None:
        if event.kind == "charge_succeeded":
            payment.charge_landed(reference=event.reference)
            if payment.refund_due:
                self.settlements.settle_after_commit(payment.id)
        elif event.kind == "charge_failed" and payment.status is PaymentStatus.PENDING:
            payment.fail(reason=event.failure_reason, reference=event.reference)
        elif event.kind == "charge_refunded" and (
            payment.status is PaymentStatus.CAPTURED or payment.refund_due
        ):
            payment.refunded()


@dataclass(frozen=True, kw_only=True, slots=True)
class SweepSettlements:
    """Start again the gateway work whose settlement was lost (beat, every minute or so).

    The sweep calls no gateway: each payment it claims is settled by a task of its own, so
    one slow or failing payment holds up no other, and the sweep stays within any time limit.
    """

    uow: NewUnitOfWork
    payments: PaymentRepository
    settlements: Settlements
    clock: Clock
    settle_grace: Callable[[], timedelta]

    def __call__(self) -> list[PaymentId]:
        now = self.clock()
        with self.uow():
            due = self.payments.claim_awaiting_gateway(
                untouched_since=now - self.settle_grace(), now=now, limit=SWEEP_BATCH
            )
            for payment_id in due:
                self.settlements.settle_after_commit(payment_id)
        return due


@dataclass(frozen=True, kw_only=True, slots=True)
class PruneGatewayEvents:
    """Forget the gateway events processed longer ago than the retention (beat, daily).

    Kept that long to recognise Stripe's retries of an event (up to 3 days; a retry is
    signed afresh, so the signature's 5 minutes do not bound it): the settings refuse a
    shorter retention. Order gates are never pruned (ADR 0028)."""

    uow: NewUnitOfWork
    gateway_events: GatewayEventLog
    clock: Clock
    gateway_event_retention: Callable[[], timedelta]

    def __call__(self) -> int:
        with self.uow():
            return self.gateway_events.prune(
                received_before=self.clock() - self.gateway_event_retention()
            )
