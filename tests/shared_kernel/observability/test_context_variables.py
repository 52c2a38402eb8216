"""Our `merge_contextvars` and `clear_contextvars` (ADR 0022) are structlog's own, read
through structlog's registry of its variables instead of the whole thread's context."""

import contextvars
import threading
from collections.abc import Callable

import structlog

from shared_kernel.observability.logging import clear_contextvars, merge_contextvars


def in_a_fresh_context(check: Callable[[], None]) -> None:
    contextvars.Context().run(check)


def test_merge_adds_what_structlogs_merge_adds_and_keeps_what_the_event_has() -> None:
    def check() -> None:
        structlog.contextvars.bind_contextvars(request_id="r-1", ip="10.0.0.1", user_id=None)
        structlog.contextvars.unbind_contextvars("ip")
        event = {"event": "x", "request_id": "the event's own"}

        ours = merge_contextvars(None, "info", dict(event))
        theirs = structlog.contextvars.merge_contextvars(None, "info", dict(event))

        assert ours == theirs
        assert ours == {"event": "x", "request_id": "the event's own", "user_id": None}

    in_a_fresh_context(check)


def test_a_variable_bound_in_another_thread_is_not_merged_here() -> None:
    def check() -> None:
        other = threading.Thread(
            target=lambda: structlog.contextvars.bind_contextvars(elsewhere="yes")
        )
        other.start()
        other.join()

        assert merge_contextvars(None, "info", {}) == {}

    in_a_fresh_context(check)


def test_clear_leaves_nothing_bound_as_structlogs_clear_does() -> None:
    def check() -> None:
        structlog.contextvars.bind_contextvars(request_id="r-1", ip="10.0.0.1", order="o-1")

        clear_contextvars()

        assert structlog.contextvars.get_contextvars() == {}
        assert merge_contextvars(None, "info", {}) == {}

    in_a_fresh_context(check)
