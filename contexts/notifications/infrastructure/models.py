"""The delivery log as Django stores it: one row per event that asked for an email."""

import uuid

from django.db import models
from django.utils import timezone

from contexts.notifications.domain.delivery_log import DeliveryStatus
from contexts.notifications.domain.emails import Template


class EmailDelivery(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # One email per event: the unique index is the last word when two runs race.
    event_id = models.UUIDField(unique=True)
    event_type = models.CharField(max_length=100)
    template = models.CharField(
        max_length=40, choices=[(t.value, t.value.replace("_", " ")) for t in Template]
    )
    recipient = models.CharField(max_length=254, blank=True)
    # What the template needs to render the email again, its secrets (a reset link) left out.
    context = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=[(s.value, s.value) for s in DeliveryStatus])
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "email delivery"
        verbose_name_plural = "email deliveries"
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=["created_at"], name="email_delivery_created"),
            models.Index(fields=["status", "template"], name="email_delivery_status"),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.recipient or '(nobody)'} ({self.status})"
