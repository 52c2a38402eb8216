"""Inventory's HTTP shapes: explicit fields in, explicit fields out."""

from typing import Any

from rest_framework import serializers

from contexts.inventory.domain.stock import MAX_ON_HAND, REASON_MAX_LENGTH
from shared_kernel.api.fields import StrictCharField


class StrictIntegerField(serializers.IntegerField):
    """An `IntegerField` that takes JSON integers only: `"5"`, `5.0` or `true` is a 400,
    as the schema's `type: integer` promises."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class StockSerializer(serializers.Serializer[Any]):
    """The stock shape, rendered from a `StockLevel`."""

    sku = serializers.CharField(read_only=True)
    on_hand = serializers.IntegerField(read_only=True)
    reserved = serializers.IntegerField(read_only=True)
    available = serializers.IntegerField(read_only=True, help_text="On hand minus reserved.")


class RestockSerializer(serializers.Serializer[Any]):
    quantity = StrictIntegerField(min_value=1, max_value=MAX_ON_HAND, help_text="Units added.")


class AdjustSerializer(serializers.Serializer[Any]):
    quantity = StrictIntegerField(
        min_value=-MAX_ON_HAND,
        max_value=MAX_ON_HAND,
        help_text="Units added (positive) or removed (negative); never zero.",
    )
    reason = StrictCharField(max_length=REASON_MAX_LENGTH, help_text="Why the count changes.")

    def validate_quantity(self, quantity: int) -> int:
        if quantity == 0:
            raise serializers.ValidationError("An adjustment changes the count: not zero.")
        return quantity
