"""A page of a list read over HTTP: `?cursor=` and `?page_size=` in, `{next, previous,
results}` out (ARCHITECTURE.md §5), and the same in the OpenAPI schema."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from shared_kernel.application.pages import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, PageRequest
from shared_kernel.domain.errors import InvalidInput

PAGE_PARAMETERS = [
    OpenApiParameter("cursor", str, description="A `next` or `previous` link's cursor."),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1},
        description=f"{DEFAULT_PAGE_SIZE} by default; above {MAX_PAGE_SIZE} is {MAX_PAGE_SIZE}.",
    ),
]


def page_request(request: Request) -> PageRequest:
    """The page asked for; a page size above the maximum is capped, a malformed one is 400."""
    raw_size = request.query_params.get("page_size")
    size = DEFAULT_PAGE_SIZE
    if raw_size:
        try:
            size = min(int(raw_size), MAX_PAGE_SIZE)
        except ValueError:
            raise InvalidInput("page_size", ["A valid integer is required."]) from None
    return PageRequest(cursor=request.query_params.get("cursor") or None, size=size)


def paginated(request: Request, page: Page[Any], results: list[Any]) -> Response:
    """The page's envelope, its links the request's own URL with the cursor swapped."""
    return Response(
        {
            "next": _link(request, page.next_cursor),
            "previous": _link(request, page.previous_cursor),
            "results": results,
        }
    )


def paginated_schema(item: type[serializers.Serializer[Any]]) -> serializers.Serializer[Any]:
    """The envelope of a page of `item`, for `@extend_schema(responses=...)`."""
    name = item.__name__.removesuffix("Serializer")
    return inline_serializer(
        name=f"Paginated{name}List",
        fields={
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )


def _link(request: Request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    url = request.build_absolute_uri()
    return replace_query_param(remove_query_param(url, "cursor"), "cursor", cursor)
