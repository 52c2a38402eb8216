"""Payments' HTTP shapes (ARCHITECTURE.md §5): explicit fields in and out."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contexts.payments.domain.payment import FAILURE_REASONS, PaymentStatus
from shared_kernel.domain.money import Money


class PaymentAmountSerializer(serializers.Serializer[Money]):
    amount = serializers.CharField(help_text="A decimal string with the currency's minor unit.")
    currency = serializers.CharField(help_text="ISO 4217, the shop's currency.")


@extend_schema_field(PaymentAmountSerializer)
class AmountField(serializers.Field[Money, Money, dict[str, str], Any]):
    """`{"amount": "19.90", "currency": "EUR"}`, output only."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Money) -> dict[str, str]:
        return value.to_dict()


PAYMENT_STATUSES = [status.value for status in PaymentStatus]


class PaymentSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(read_only=True)
    order_id = serializers.UUIDField(read_only=True)
    status = serializers.ChoiceField(choices=PAYMENT_STATUSES, read_only=True)
    amount = AmountField()
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
