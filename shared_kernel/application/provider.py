"""A value wired once at start-up and fetched where it is needed (use cases, a facade).

A context's composition root provides it from `AppConfig.ready`; doors (API, admin) and
other contexts fetch it by calling the provider; tests may provide one built on fakes.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class Provider(Generic[T]):
    def __init__(self, what: str) -> None:
        self._what = what
        self._value: T | None = None

    def provide(self, value: T) -> None:
        self._value = value

    def __call__(self) -> T:
        if self._value is None:
            raise RuntimeError(f"{self._what} is not wired: its AppConfig.ready() does it.")
        return self._value

    @contextmanager
    def overridden(self, value: T) -> Iterator[T]:
        """Provide `value` inside the block and put back what was provided before (tests:
        another context's facade replaced by a fake)."""
        previous = self._value
        self._value = value
        try:
            yield value
        finally:
            self._value = previous
