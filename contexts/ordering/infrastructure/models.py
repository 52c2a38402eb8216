"""Orders as Django stores them, and the Idempotency-Key answers of `POST /orders`.

The order row carries the aggregate's `version` (saves are `UPDATE … WHERE version =
<loaded>`); its lines are written once with it, its history is appended to. The customer
is identity's user id, not a foreign key: a context never points into another's tables.
"""

from django.db import models

from contexts.ordering.domain.order import OrderStatus, RejectionReason
from shared_kernel.api.idempotency import IdempotencyKeyBase


class Order(models.Model):
    id = models.UUIDField(primary_key=True, editable=False)
    customer_id = models.UUIDField(db_index=True)
    status = models.CharField(max_length=20, choices=[(s.value, s.value) for s in OrderStatus])
    rejection_reason = models.CharField(
        max_length=30, blank=True, default="", choices=[(r.value, r.value) for r in RejectionReason]
    )
    payment_method = models.CharField(max_length=255)
    total_amount = models.DecimalField(max_digits=14, decimal_places=4)
    currency = models.CharField(max_length=3)
    ship_to_name = models.CharField(max_length=200)
    ship_to_line1 = models.CharField(max_length=200)
    ship_to_line2 = models.CharField(max_length=200, blank=True, default="")
    ship_to_city = models.CharField(max_length=100)
    ship_to_postal_code = models.CharField(max_length=20)
    ship_to_country = models.CharField(max_length=2)
    tracking_number = models.CharField(max_length=100, blank=True, default="")
    reservation_id = models.UUIDField(null=True, blank=True)
    # Why staff must look at it (a shipped order whose stock could not be committed).
    attention = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "ordering_order"
        indexes = (
            models.Index(fields=("customer_id", "-created_at", "id"), name="ordering_customer_idx"),
            models.Index(fields=("status", "-created_at", "id"), name="ordering_status_idx"),
            models.Index(fields=("-created_at", "id"), name="ordering_created_idx"),
        )

    def __str__(self) -> str:
        return f"order {self.id} ({self.status})"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=300)
    unit_price = models.DecimalField(max_digits=14, decimal_places=4)
    quantity = models.PositiveSmallIntegerField()

    class Meta:
        db_table = "ordering_order_line"
        ordering = ("order", "position")
        constraints = (
            models.UniqueConstraint(fields=("order", "position"), name="ordering_line_position"),
        )

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"


class OrderHistoryEntry(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    position = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20)
    at = models.DateTimeField()
    cause = models.CharField(max_length=50)

    class Meta:
        db_table = "ordering_order_history"
        ordering = ("order", "position")
        verbose_name_plural = "order history entries"
        constraints = (
            models.UniqueConstraint(fields=("order", "position"), name="ordering_history_position"),
        )

    def __str__(self) -> str:
        return f"{self.status} at {self.at:%Y-%m-%d %H:%M} ({self.cause})"


class IdempotencyKey(IdempotencyKeyBase):
    """The `Idempotency-Key`s of `POST /orders` and their answers (ADR 0027)."""

    class Meta(IdempotencyKeyBase.Meta):
        db_table = "ordering_idempotency_key"
