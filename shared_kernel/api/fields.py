"""Serializer fields that hold requests to the types the OpenAPI schema promises.

DRF's `CharField` turns a JSON number into text (`{"full_name": 0}` saves `"0"`), while the
schema says `type: string`: frontends and schemathesis rightly expect such a body to be a 400.
"""

from typing import Any

from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A `CharField` that takes JSON strings only: a number, boolean or object is a 400."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
