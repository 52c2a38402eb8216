"""What every context's API views do the same way: validate the input, name the caller."""

import uuid
from typing import Any

from rest_framework.request import Request
from rest_framework.serializers import Serializer


def validated(
    serializer_class: type[Serializer[Any]], request: Request, *, partial: bool = False
) -> dict[str, Any]:
    """The request body validated by `serializer_class`, or a 400 problem (ValidationError)."""
    serializer = serializer_class(data=request.data, context={"request": request}, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def caller_id(request: Request) -> uuid.UUID:
    """The signed-in caller's user id (views that call it require authentication)."""
    return uuid.UUID(str(request.user.pk))
