"""Inventory's tables: a stock row per SKU, its movements, and a reservation per order.

Stock rows and reservations are versioned aggregates (`version`); the check constraints
repeat the domain's rule that stock never goes negative nor is oversold, as a last word
should a bug ever try.
"""

import uuid

from django.db import models

from contexts.inventory.domain.reservation import ReservationStatus
from contexts.inventory.domain.stock import REASON_MAX_LENGTH, SKU_CODE_MAX_LENGTH, MovementKind


class Stock(models.Model):
    id = models.UUIDField(primary_key=True, editable=False)  # uuid5 of the code (stock_id)
    sku = models.CharField("SKU", max_length=SKU_CODE_MAX_LENGTH, unique=True)
    on_hand = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("sku",)
        verbose_name_plural = "stock"
        constraints = (
            models.CheckConstraint(
                condition=models.Q(reserved__gte=0, on_hand__gte=models.F("reserved")),
                name="inventory_stock_never_oversold",
            ),
        )

    def __str__(self) -> str:
        return self.sku

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockMovement(models.Model):
    """A restock or adjustment as staff made it: who, when, how much, why."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sku = models.CharField("SKU", max_length=SKU_CODE_MAX_LENGTH, db_index=True)
    kind = models.CharField(max_length=20, choices=[(k.value, k.value) for k in MovementKind])
    quantity = models.IntegerField()
    reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    # The staff member's user id (identity's); None for the system (the demo loader).
    by = models.UUIDField(null=True, blank=True)
    at = models.DateTimeField(db_index=True)
    on_hand_after = models.IntegerField()

    class Meta:
        ordering = ("-at", "id")

    def __str__(self) -> str:
        return f"{self.sku} {self.kind} {self.quantity:+d}"


class Reservation(models.Model):
    id = models.UUIDField(primary_key=True, editable=False)
    order_id = models.UUIDField(unique=True)
    # [{"sku": …, "quantity": …}], one per SKU, sorted by code.
    lines = models.JSONField(default=list)
    status = models.CharField(
        max_length=20, choices=[(s.value, s.value) for s in ReservationStatus]
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    # The sequence of the last order event applied: an older one is ignored.
    order_sequence = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "id")
        indexes = (models.Index(fields=("status", "expires_at"), name="inventory_res_due"),)

    def __str__(self) -> str:
        return f"reservation for order {self.order_id}"
