"""Serializer fields that hold requests to the types the OpenAPI schema promises.

DRF's `CharField` turns a JSON number into text (`{"full_name": 0}` saves `"0"`), while the
schema says `type: string`: frontends and schemathesis rightly expect such a body to be a 400.
Money is one shape everywhere, in and out (`MoneyField`).
"""

import re
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shared_kernel.domain.errors import RuleViolated
from shared_kernel.domain.money import Money


class StrictCharField(serializers.CharField):
    """A `CharField` that takes JSON strings only: a number, boolean or object is a 400."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


AMOUNT_PATTERN = r"^\d{1,9}(\.\d{1,3})?$"


class MoneySerializer(serializers.Serializer[Money]):
    """A Money's shape in the schema: one `Money` component for every context's amounts."""

    amount = serializers.RegexField(
        AMOUNT_PATTERN, help_text="A decimal string with the currency's minor-unit places."
    )
    currency = serializers.CharField(
        min_length=3, max_length=3, help_text="ISO 4217: the shop's currency (SHOP_CURRENCY)."
    )


@extend_schema_field(MoneySerializer)
class MoneyField(serializers.Field[Money, Money, dict[str, str], Any]):
    """`{"amount": "19.90", "currency": "EUR"}` in and out (ARCHITECTURE.md §5). The amount
    is a decimal string as the schema says: no number (a float is not exact), no exponent."""

    default_error_messages = {
        # DRF formats the message: braces doubled.
        "invalid": 'Expected {{"amount": "<decimal>", "currency": "<ISO 4217 code>"}}.',
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.amount = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)
        self.currency = StrictCharField(min_length=3, max_length=3)

    def to_internal_value(self, data: Any) -> Money:
        if not isinstance(data, dict) or set(data) != {"amount", "currency"}:
            self.fail("invalid")
        if not isinstance(data["amount"], str) or not re.fullmatch(AMOUNT_PATTERN, data["amount"]):
            self.fail("invalid")
        amount = self.amount.run_validation(data["amount"])
        currency = self.currency.run_validation(data["currency"])
        try:
            return Money(amount, currency)
        except RuleViolated as refused:
            raise serializers.ValidationError(refused.detail) from refused

    def to_representation(self, value: Money) -> dict[str, str]:
        return value.to_dict()
