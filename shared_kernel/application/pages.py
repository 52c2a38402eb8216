"""Pages of a list read (ARCHITECTURE.md §2 "The read side", §5 cursor pagination).

A query object takes a `PageRequest` and returns a `Page` of frozen DTOs. The cursor is
opaque to callers: it names a position in the list's order, so a page stays stable while
rows are added before it, and no page count is ever computed.
"""

from dataclasses import dataclass
from typing import Generic, TypeVar

from shared_kernel.domain.errors import InvalidInput

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class InvalidCursor(InvalidInput):
    """A cursor this list did not hand out (mangled, or from another list)."""

    def __init__(self) -> None:
        super().__init__("cursor", ["This cursor is not valid for this list."])


@dataclass(frozen=True, slots=True)
class PageRequest:
    cursor: str | None = None
    size: int = DEFAULT_PAGE_SIZE

    def __post_init__(self) -> None:
        if not 1 <= self.size <= MAX_PAGE_SIZE:
            raise InvalidInput("page_size", [f"Ensure this is between 1 and {MAX_PAGE_SIZE}."])


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    next_cursor: str | None = None
    previous_cursor: str | None = None
