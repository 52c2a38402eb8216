"""Payments kept in Django's ORM: the payment repository, the order gates, the log of
gateway events processed, and the read side (`GET /payments?order=`)."""

import uuid
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from contexts.payments.application.ports import (
    GatewayEventLog,
    OrderGate,
    OrderGates,
    PaymentQueries,
    PaymentRepository,
    PaymentView,
)
from contexts.payments.domain.errors import PaymentNotFound
from contexts.payments.domain.payment import Payment, PaymentId, PaymentStatus
from contexts.payments.infrastructure import models
from contexts.payments.infrastructure.metrics import count_payment_outcome
from shared_kernel.application.pages import Page, PageRequest
from shared_kernel.application.unit_of_work import track
from shared_kernel.domain.errors import Conflict
from shared_kernel.domain.money import Money
from shared_kernel.infrastructure import versioning
from shared_kernel.infrastructure.paging import keyset_page


class PaymentAlreadyOpened(Conflict):
    title = "The order has a payment already"
    code = "payment_already_opened"


class DjangoPaymentRepository(PaymentRepository):
    def get(self, payment_id: PaymentId) -> Payment:
        found = self.find(payment_id)
        if found is None:
            raise PaymentNotFound(f"No payment with id {payment_id}.")
        return found

    def find(self, payment_id: PaymentId) -> Payment | None:
        row = models.Payment.objects.filter(pk=payment_id).first()
        return _loaded(row) if row is not None else None

    def find_by_order(self, order_id: uuid.UUID) -> Payment | None:
        row = models.Payment.objects.filter(order_id=order_id).first()
        return _loaded(row) if row is not None else None

    def find_by_reference(self, reference: str) -> Payment | None:
        row = models.Payment.objects.filter(gateway_reference=reference).first()
        return _loaded(row) if row is not None else None

    def add(self, payment: Payment) -> None:
        try:
            with transaction.atomic():
                versioning.insert(
                    models.Payment,
                    payment,
                    id=payment.id,
                    order_id=payment.order_id,
                    customer_id=payment.customer_id,
                    amount=payment.amount.amount,
                    currency=payment.amount.currency,
                    payment_method=payment.payment_method,
                    created_at=payment.created_at,
                    **_changing(payment),
                )
        except IntegrityError as exc:
            raise PaymentAlreadyOpened(f"Order {payment.order_id} has a payment.") from exc
        count_payment_outcome("opened")

    def save(self, payment: Payment) -> None:
        stored = models.Payment.objects.filter(pk=payment.id).values_list(
            "status", "refund_refusal"
        )
        status_before, refusal_before = stored.first() or ("", "")
        # An UPDATE does not touch `auto_now`: set here, the sweep's grace runs from the
        # payment's last change (a refund made due today on a payment of last week).
        versioning.update(models.Payment, payment, updated_at=timezone.now(), **_changing(payment))
        if payment.status.value != status_before:
            _count_outcome(payment)
        if payment.refund_refusal and not refusal_before:
            count_payment_outcome("refund_refused", payment.refund_refusal)

    def claim_awaiting_gateway(
        self, *, untouched_since: datetime, now: datetime, limit: int
    ) -> list[PaymentId]:
        due = models.Payment.objects.filter(
            Q(status=models.Payment.Status.PENDING) | Q(refund_due=True),
            updated_at__lte=untouched_since,
        )
        oldest = due.order_by("updated_at").values_list("pk", flat=True)[:limit]
        # Row by row, conditional: a sweep running at once finds it touched and skips it.
        return [PaymentId(pk) for pk in oldest if due.filter(pk=pk).update(updated_at=now)]


def _count_outcome(payment: Payment) -> None:
    """The status the payment moved to, with the reason when it failed."""
    reason = payment.failure_reason if payment.status is PaymentStatus.FAILED else None
    count_payment_outcome(payment.status.value, reason or "")


def _changing(payment: Payment) -> dict[str, object]:
    """The columns a payment's transitions change."""
    return {
        "status": payment.status.value,
        "failure_reason": payment.failure_reason or "",
        "gateway_reference": payment.gateway_reference,
        "refund_due": payment.refund_due,
        "refund_refusal": payment.refund_refusal,
    }


def _loaded(row: models.Payment) -> Payment:
    payment = Payment(
        id=PaymentId(row.id),
        order_id=row.order_id,
        customer_id=row.customer_id,
        amount=Money(row.amount, row.currency),
        payment_method=row.payment_method,
        created_at=row.created_at,
        status=PaymentStatus(row.status),
        failure_reason=row.failure_reason or None,  # type: ignore[arg-type]  # its choices
        gateway_reference=row.gateway_reference,
        refund_due=row.refund_due,
        refund_refusal=row.refund_refusal,
        version=row.version,
    )
    track(payment)
    return payment


class DjangoOrderGates(OrderGates):
    def hold(self, order_id: uuid.UUID) -> OrderGate:
        """`INSERT … ON CONFLICT DO NOTHING`, then `SELECT … FOR UPDATE`: the row exists
        whoever came first, and the lock is held until the unit of work commits."""
        models.OrderGate.objects.bulk_create(
            [models.OrderGate(order_id=order_id)], ignore_conflicts=True
        )
        row = models.OrderGate.objects.select_for_update().get(pk=order_id)
        return OrderGate(row.order_id, row.closed_at, row.closed_by_sequence)

    def close(self, order_id: uuid.UUID, *, sequence: int, at: datetime) -> None:
        models.OrderGate.objects.filter(pk=order_id, closed_at__isnull=True).update(
            closed_at=at, closed_by_sequence=sequence
        )


class DjangoGatewayEventLog(GatewayEventLog):
    def first_time(self, event_id: str) -> bool:
        """The primary key decides: a concurrent copy waits for the first to commit, then
        finds it there."""
        try:
            with transaction.atomic():
                models.GatewayEvent.objects.create(event_id=event_id)
        except IntegrityError:
            return False
        return True

    def prune(self, *, received_before: datetime) -> int:
        deleted, _ = models.GatewayEvent.objects.filter(received_at__lt=received_before).delete()
        return deleted


class DjangoPaymentQueries(PaymentQueries):
    def of_order(self, order_id: uuid.UUID, page: PageRequest) -> Page[PaymentView]:
        rows = models.Payment.objects.filter(order_id=order_id).values(
            "id", "order_id", "status", "amount", "currency", "failure_reason", "created_at"
        )
        return keyset_page(rows, page, order=("-created_at", "id"), to_item=_view)


def _view(row: dict[str, object]) -> PaymentView:
    return PaymentView(
        id=row["id"],  # type: ignore[arg-type]
        order_id=row["order_id"],  # type: ignore[arg-type]
        status=str(row["status"]),
        amount=Money.of(row["amount"], str(row["currency"])),  # type: ignore[arg-type]
        failure_reason=str(row["failure_reason"]) or None,
    )
