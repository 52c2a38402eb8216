"""Catalog's HTTP shapes: explicit fields in; out, the DTOs rendered by `presenters.py`
and described here for the OpenAPI schema."""

from typing import Any

from django.core.validators import RegexValidator
from rest_framework import serializers

from contexts.catalog.domain.values import (
    DESCRIPTION_MAX_LENGTH,
    NAME_MAX_LENGTH,
    SKU_CODE_MAX_LENGTH,
    SLUG_MAX_LENGTH,
)
from shared_kernel.api.fields import MoneyField, StrictCharField

SLUG_PATTERN = r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$"  # lower-cased as stored
SKU_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"  # upper-cased as stored


def _patterned(pattern: str, max_length: int, **kwargs: Any) -> StrictCharField:
    """Text only, untrimmed: what the schema's pattern refuses, the field refuses too."""
    return StrictCharField(
        max_length=max_length,
        trim_whitespace=False,
        validators=[RegexValidator(pattern, message=f"Does not match {pattern}.")],
        **kwargs,
    )


def _slug_field(**kwargs: Any) -> StrictCharField:
    return _patterned(SLUG_PATTERN, SLUG_MAX_LENGTH, **kwargs)


def _attributes_field(**kwargs: Any) -> serializers.DictField:
    return serializers.DictField(child=StrictCharField(allow_blank=True), **kwargs)


class CategoryCreateSerializer(serializers.Serializer[Any]):
    slug = _slug_field()
    name = StrictCharField(max_length=NAME_MAX_LENGTH)
    parent = StrictCharField(  # type: ignore[assignment]  # a field named like Field.parent
        max_length=SLUG_MAX_LENGTH, allow_null=True, default=None
    )


class CategorySerializer(serializers.Serializer[Any]):
    """A category with its children, to any depth."""

    slug = serializers.CharField()
    name = serializers.CharField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["children"] = CategorySerializer(many=True)
        return fields


class CreatedCategorySerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    name = serializers.CharField()
    parent = serializers.CharField(allow_null=True)  # type: ignore[assignment]


class SkuInputSerializer(serializers.Serializer[Any]):
    code = _patterned(SKU_CODE_PATTERN, SKU_CODE_MAX_LENGTH)
    attributes = _attributes_field(default=dict)
    price = MoneyField()


class SkuUpdateSerializer(serializers.Serializer[Any]):
    attributes = _attributes_field(required=False)
    price = MoneyField(required=False)


class ProductCreateSerializer(serializers.Serializer[Any]):
    name = StrictCharField(max_length=NAME_MAX_LENGTH)
    slug = _slug_field(required=False)
    description = StrictCharField(
        max_length=DESCRIPTION_MAX_LENGTH, allow_blank=True, required=False, default=""
    )
    category = StrictCharField(max_length=SLUG_MAX_LENGTH)
    skus = SkuInputSerializer(many=True, required=False, default=list)


class ProductUpdateSerializer(serializers.Serializer[Any]):
    name = StrictCharField(max_length=NAME_MAX_LENGTH, required=False)
    description = StrictCharField(
        max_length=DESCRIPTION_MAX_LENGTH, allow_blank=True, required=False
    )
    category = StrictCharField(max_length=SLUG_MAX_LENGTH, required=False)


class SkuSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    attributes = serializers.DictField(child=serializers.CharField())
    price = MoneyField()
    available = serializers.IntegerField(help_text="How many can be bought now.")


class ProductSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField(help_text="The category's slug.")
    published = serializers.BooleanField(help_text="False for a draft (staff only see one).")
    in_stock = serializers.BooleanField(help_text="Whether any SKU is available.")
    skus = SkuSerializer(many=True)


class ProductListItemSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField(help_text="The category's slug.")
    price_from = MoneyField(allow_null=True, help_text="The lowest SKU price; null without SKUs.")
    in_stock = serializers.BooleanField()


_BOOLEAN = ("true", "false")


_FLAGS = ("in_stock", "include_drafts")


class ProductFiltersSerializer(serializers.Serializer[Any]):
    """The list's query parameters; anything malformed is a 400 naming the parameter."""

    q = serializers.CharField(max_length=200, required=False)
    category = serializers.CharField(max_length=SLUG_MAX_LENGTH, required=False)
    min_price = serializers.DecimalField(max_digits=12, decimal_places=3, required=False)
    max_price = serializers.DecimalField(max_digits=12, decimal_places=3, required=False)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        """An empty text parameter (`?category=`, as a form sends it) is no filter; a flag is
        `true` or `false`, never empty, as the schema's enum says."""
        given = {name: value for name, value in data.items() if value != "" or name in _FLAGS}
        return dict(super().to_internal_value(given))

    in_stock = serializers.ChoiceField(choices=_BOOLEAN, required=False)
    include_drafts = serializers.ChoiceField(choices=_BOOLEAN, required=False)


class DetailOptionsSerializer(serializers.Serializer[Any]):
    include_drafts = serializers.ChoiceField(choices=_BOOLEAN, required=False)
