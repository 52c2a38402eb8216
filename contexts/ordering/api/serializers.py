"""Ordering's HTTP shapes (ARCHITECTURE.md §5): explicit fields in, the order shape out."""

from typing import Any

from rest_framework import serializers

from contexts.ordering.domain.address import MAX_LENGTHS
from contexts.ordering.domain.order import (
    MAX_LINES,
    MAX_QUANTITY,
    MIN_QUANTITY,
    PAYMENT_METHOD_MAX_LENGTH,
    TRACKING_NUMBER_MAX_LENGTH,
    OrderStatus,
    RejectionReason,
)
from shared_kernel.api.fields import MoneyField, StrictCharField


class LineInSerializer(serializers.Serializer[Any]):
    sku = StrictCharField(max_length=64)
    quantity = serializers.IntegerField(min_value=MIN_QUANTITY, max_value=MAX_QUANTITY)


class ShippingAddressSerializer(serializers.Serializer[Any]):
    name = StrictCharField(max_length=MAX_LENGTHS["name"])
    line1 = StrictCharField(max_length=MAX_LENGTHS["line1"])
    line2 = StrictCharField(
        max_length=MAX_LENGTHS["line2"], required=False, allow_blank=True, default=""
    )
    city = StrictCharField(max_length=MAX_LENGTHS["city"])
    postal_code = StrictCharField(max_length=MAX_LENGTHS["postal_code"])
    country = StrictCharField(
        min_length=2, max_length=2, help_text="ISO 3166-1 alpha-2 country code, such as FR."
    )


class PlaceOrderSerializer(serializers.Serializer[Any]):
    lines = serializers.ListField(child=LineInSerializer(), min_length=1, max_length=MAX_LINES)
    payment_method = StrictCharField(
        max_length=PAYMENT_METHOD_MAX_LENGTH,
        help_text="The payment gateway's token (e.g. Stripe's `pm_card_visa`), never card data.",
    )
    shipping_address = ShippingAddressSerializer()


class ShipOrderSerializer(serializers.Serializer[Any]):
    tracking_number = StrictCharField(max_length=TRACKING_NUMBER_MAX_LENGTH)


ORDER_STATUSES = [status.value for status in OrderStatus]


class LineSerializer(serializers.Serializer[Any]):
    sku = serializers.CharField()
    name = serializers.CharField()
    unit_price = MoneyField(read_only=True)
    quantity = serializers.IntegerField()
    line_total = MoneyField(read_only=True)


class HistoryEntrySerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=ORDER_STATUSES)
    at = serializers.DateTimeField()
    cause = serializers.CharField(
        help_text="The event that moved the order (StockReserved, PaymentCaptured, …) "
        "or the actor (customer, staff, system)."
    )


class OrderSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=ORDER_STATUSES)
    rejection_reason = serializers.ChoiceField(
        choices=[r.value for r in RejectionReason], allow_null=True
    )
    lines = LineSerializer(many=True)
    total = MoneyField(read_only=True)
    shipping_address = ShippingAddressSerializer()
    tracking_number = serializers.CharField(allow_blank=True)
    history = HistoryEntrySerializer(many=True)
    created_at = serializers.DateTimeField()
