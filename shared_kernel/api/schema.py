"""OpenAPI: every operation documents its errors as problem+json (ARCHITECTURE.md §5).

A drf-spectacular postprocessing hook adds a `Problem` component and a `default` response
pointing at it to every operation, so frontends and schemathesis know the body and the
content type of any error status an operation may answer with. Views name their specific
error statuses with `problem("why")`; the hook's `PROBLEM_SCHEMA` is the one definition of
the component, whatever `ProblemSerializer` would generate.
"""

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from shared_kernel.api.problems import PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri", "example": PROBLEM_TYPE_BASE + "not-found"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "Validation errors only: dotted field path → messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "example": {"lines.1.quantity": ["Ensure this value is less than or equal to 100."]},
        },
    },
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def add_problem_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    problem = {
        "description": "An error, as problem+json.",
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in HTTP_METHODS:
                operation.setdefault("responses", {}).setdefault("default", problem)
    return result


PROBLEM_JSON = PROBLEM_CONTENT_TYPE


class ProblemSerializer(serializers.Serializer[Any]):
    """The handle views give drf-spectacular; the hook replaces its component with
    `PROBLEM_SCHEMA`, which also documents `errors`."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()


def problem(description: str) -> OpenApiResponse:
    """A problem+json answer for one error status, with why it happens."""
    return OpenApiResponse(response=ProblemSerializer, description=description)


INVALID_INPUT = problem("Invalid input: `errors` names each field.")
TOO_MANY_REQUESTS = problem("Too many requests from this client; see `Retry-After`.")
UNAUTHENTICATED = problem("Not signed in, or the bearer token is bad or expired.")
