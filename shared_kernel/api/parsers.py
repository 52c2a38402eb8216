"""The API's JSON parser: DRF's, with a limit on how deeply a body may nest (§5).

Python's `json` module recurses once per level of nesting, so a body of a thousand `[`
raises `RecursionError`, which DRF does not catch (a 500 and a traceback, issue #14). A body
nested less deeply than that still reaches code that recurses again (serializers, the
idempotency store's `json.dumps`, log renderers) from a deeper stack. So a body nested past
`API_JSON_MAX_DEPTH` (no real request comes near it: an order is four levels deep) is refused
with a 400 `ParseError`, like any other body that is not the JSON the API takes.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser

TOO_DEEP = "JSON parse error - the body is nested more than {limit} levels deep."


class JSONParser(DRFJSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit: int = settings.API_JSON_MAX_DEPTH
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP.format(limit=limit)) from None
        if nested_deeper_than(data, limit):
            raise ParseError(TOO_DEEP.format(limit=limit))
        return data


def nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether `value` (parsed JSON) has containers nested more than `limit` levels deep.

    Breadth first, one level at a time, without recursion; scalars are never queued, so a
    typical body costs a few microseconds.
    """
    level = [value] if isinstance(value, dict | list) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, dict | list)
        ]
    return False
