"""OpenAPI descriptions of identity's error answers (problem+json, ARCHITECTURE.md §5)."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

PROBLEM_JSON = "application/problem+json"


class ProblemSerializer(serializers.Serializer[Any]):
    """An error (RFC 9457 problem details). Validation errors add `errors`: a flat map from a
    dotted field path to its messages."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # Declared here: a class attribute named `errors` would hide Serializer.errors.
        fields = super().get_fields()
        fields["errors"] = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()), required=False
        )
        return fields


def problem(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ProblemSerializer, description=description)


INVALID_INPUT = problem("Invalid input: `errors` names each field.")
TOO_MANY_REQUESTS = problem("Too many auth requests from this client IP; see `Retry-After`.")
UNAUTHENTICATED = problem("Not signed in, or the bearer token is bad or expired.")
