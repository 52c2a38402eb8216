"""Keyset ("cursor") paging of a queryset: the implementation behind every list query object.

`keyset_page(queryset, request, order=("-created_at", "id"), to_item=...)` reads one page in
one query of `size + 1` rows (plus whatever the queryset prefetches, the same for any page
size). The cursor holds the order keys of the row next to the page's edge and a direction;
the next page is the rows strictly after it in `order`, the previous one the rows strictly
before it. The last key must be unique and no key may be null, so the order is total.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Field, Q, QuerySet

from shared_kernel.application.pages import InvalidCursor, Page, PageRequest

T = TypeVar("T")

_FORWARD = "n"
_BACKWARD = "p"


def keyset_page(
    queryset: QuerySet[Any],
    request: PageRequest,
    *,
    order: Sequence[str],
    to_item: Callable[[Any], T],
) -> Page[T]:
    """One page of `queryset` in `order`, each row made an item by `to_item`."""
    keys = [_Key(queryset, name) for name in order]
    direction, edge = _read_cursor(request.cursor, keys)
    backward = direction == _BACKWARD
    if edge is not None:
        queryset = queryset.filter(_beyond(keys, edge, backward=backward))
    ordering = [key.order_by(reverse=backward) for key in keys]
    rows = list(queryset.order_by(*ordering)[: request.size + 1])
    more = len(rows) > request.size
    rows = rows[: request.size]
    if backward:
        rows.reverse()
    return Page(
        items=tuple(to_item(row) for row in rows),
        next_cursor=_cursor(keys, rows[-1], _FORWARD) if rows and (more or backward) else None,
        previous_cursor=(
            _cursor(keys, rows[0], _BACKWARD)
            if rows and ((more and backward) or (not backward and edge is not None))
            else None
        ),
    )


class _Key:
    def __init__(self, queryset: QuerySet[Any], spec: str) -> None:
        self.descending = spec.startswith("-")
        self.name = spec.lstrip("-")
        self.field = self._field(queryset, self.name)

    @staticmethod
    def _field(queryset: QuerySet[Any], name: str) -> Field[Any, Any]:
        try:
            return queryset.model._meta.get_field(name)
        except FieldDoesNotExist:
            return queryset.query.annotations[name].output_field

    def order_by(self, *, reverse: bool) -> str:
        return f"-{self.name}" if self.descending != reverse else self.name

    def value_of(self, row: Any) -> Any:
        return row[self.name] if isinstance(row, dict) else getattr(row, self.name)

    @staticmethod
    def encode(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, UUID | Decimal):
            return str(value)
        return value

    def decode(self, raw: Any) -> Any:
        try:
            return self.field.to_python(raw)
        except ValidationError:
            raise InvalidCursor() from None


def _beyond(keys: list[_Key], edge: list[Any], *, backward: bool) -> Q:
    """Rows strictly after `edge` in the keys' order (strictly before it when backward)."""
    condition = Q()
    for index, key in enumerate(keys):
        later = "lt" if key.descending != backward else "gt"
        step = Q(**{f"{key.name}__{later}": edge[index]})
        for previous, value in zip(keys[:index], edge[:index], strict=False):
            step &= Q(**{previous.name: value})
        condition |= step
    return condition


def _cursor(keys: list[_Key], row: Any, direction: str) -> str:
    payload = {"d": direction, "k": [key.encode(key.value_of(row)) for key in keys]}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_cursor(cursor: str | None, keys: list[_Key]) -> tuple[str, list[Any] | None]:
    if not cursor:
        return _FORWARD, None
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor() from None
    if (
        not isinstance(payload, dict)
        or payload.get("d") not in (_FORWARD, _BACKWARD)
        or not isinstance(payload.get("k"), list)
        or len(payload["k"]) != len(keys)
    ):
        raise InvalidCursor()
    return payload["d"], [key.decode(raw) for key, raw in zip(keys, payload["k"], strict=True)]
