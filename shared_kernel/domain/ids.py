"""Typed identifiers: a `UserId` cannot be passed where an `OrderId` is expected (mypy)."""

import uuid
from typing import NewType, Self


class EntityId(uuid.UUID):
    """A UUID that knows which kind of entity it names. Subclass per aggregate."""

    def __init__(self, value: "uuid.UUID | str") -> None:
        super().__init__(str(value))

    @classmethod
    def new(cls) -> Self:
        return cls(uuid.uuid4())

    def __repr__(self) -> str:
        return f"{type(self).__name__}('{self}')"


EventId = NewType("EventId", uuid.UUID)


def new_event_id() -> EventId:
    return EventId(uuid.uuid4())
