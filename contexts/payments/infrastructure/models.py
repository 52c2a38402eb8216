"""Payments as Django stores them: the payment, the order gates (tombstones) and the
gateway events already processed."""

import uuid

from django.db import models


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        CAPTURED = "captured"
        FAILED = "failed"
        VOIDED = "voided"
        REFUNDED = "refunded"

    class FailureReason(models.TextChoices):
        DECLINED = "declined"
        AUTHENTICATION_REQUIRED = "authentication_required"
        GATEWAY_UNAVAILABLE = "gateway_unavailable"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # One payment per order: the unique index decides two requests racing for one order.
    order_id = models.UUIDField(unique=True)
    customer_id = models.UUIDField(db_index=True)
    amount = models.DecimalField(max_digits=12, decimal_places=3)
    currency = models.CharField(max_length=3)
    payment_method = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.CharField(max_length=32, choices=FailureReason.choices, blank=True)
    gateway_reference = models.CharField(max_length=255, blank=True, db_index=True)
    refund_due = models.BooleanField(default=False)
    # Why the gateway refused the refund for good: staff return the money by hand.
    refund_refusal = models.CharField(max_length=255, blank=True)
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "id")
        indexes = [
            # The sweep's question: which payments still have gateway work, untouched since.
            models.Index(
                fields=["updated_at"],
                name="payments_awaiting_gateway",
                condition=models.Q(status="pending") | models.Q(refund_due=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Payment {self.id} of order {self.order_id} ({self.status})"


class OrderGate(models.Model):
    """An order payments has heard of; closed once the order is rejected or cancelled.

    Opening a payment and closing its order lock this row in turn (`SELECT … FOR UPDATE`,
    in short units of work, never during a gateway call), so an `OrderRejected` that
    arrives before, during or after its `PaymentRequested` is never missed.
    """

    order_id = models.UUIDField(primary_key=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by_sequence = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Order {self.order_id} ({'closed' if self.closed_at else 'open'})"


class GatewayEvent(models.Model):
    """A gateway webhook event already processed: a replay of its id has no effect."""

    event_id = models.CharField(max_length=255, primary_key=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)  # for pruning

    def __str__(self) -> str:
        return self.event_id
