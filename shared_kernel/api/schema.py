"""OpenAPI: every operation documents its errors as problem+json (ARCHITECTURE.md §5).

A drf-spectacular postprocessing hook adds a `Problem` component and a `default` response
pointing at it to every operation, so frontends and schemathesis know the body and the
content type of any error status an operation may answer with. Views name their specific
error statuses with `problem("why")`; the hook's `PROBLEM_SCHEMA` is the one definition of
the component, whatever `ProblemSerializer` would generate.

The hook also names the statuses that come from the API's plumbing rather than from one
view, wherever a view has not described them itself: 401 for a bad or expired bearer token
(on any route, public ones included), 413 for a body over the size limit and 415 for a
body that is not JSON wherever a body is taken, 429 wherever a throttle applies.
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


PLUMBING_PROBLEMS = {
    "401": "The bearer token sent is bad or expired.",
    "413": "The body is larger than the server accepts (`DATA_UPLOAD_MAX_MEMORY_SIZE`).",
    "415": "The body is not JSON (`Content-Type: application/json`).",
    "429": "Too many requests from this client; see `Retry-After`.",
}


def add_problem_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    throttled = _throttled_operations(generator)
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in _plumbing_statuses(operation, throttled=(path, method) in throttled):
                responses.setdefault(status, _problem_response(PLUMBING_PROBLEMS[status]))
            responses.setdefault("default", _problem_response("An error, as problem+json."))
    return result


def _plumbing_statuses(operation: dict[str, Any], *, throttled: bool) -> list[str]:
    schemes = {name for requirement in operation.get("security", []) for name in requirement}
    statuses = []
    if "jwtAuth" in schemes:
        statuses.append("401")
    if "requestBody" in operation:
        statuses.extend(("413", "415"))
    if throttled:
        statuses.append("429")
    return statuses


def _throttled_operations(generator: Any) -> set[tuple[str, str]]:
    """(path, method) of every endpoint whose view has a throttle."""
    throttled = set()
    for path, _regex, method, callback in getattr(generator, "endpoints", None) or ():
        view_class = getattr(callback, "cls", None)
        if view_class is not None and view_class().get_throttles():
            throttled.add((path, method.lower()))
    return throttled


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


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
