"""Payments' HTTP shapes (ARCHITECTURE.md §5): explicit fields in and out."""

from typing import Any

from rest_framework import serializers

from contexts.payments.domain.payment import FAILURE_REASONS, PaymentStatus
from shared_kernel.api.fields import MoneyField

PAYMENT_STATUSES = [status.value for status in PaymentStatus]


class PaymentSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(read_only=True)
    order_id = serializers.UUIDField(read_only=True)
    status = serializers.ChoiceField(choices=PAYMENT_STATUSES, read_only=True)
    amount = MoneyField(read_only=True)
    failure_reason = serializers.ChoiceField(
        choices=list(FAILURE_REASONS),
        allow_null=True,
        read_only=True,
        help_text="Why a `failed` payment failed; null otherwise.",
    )


class PaymentsQuerySerializer(serializers.Serializer[Any]):
    order = serializers.UUIDField(help_text="The order whose payments to list.")


class WebhookReceivedSerializer(serializers.Serializer[Any]):
    received = serializers.BooleanField(read_only=True)
