"""`CONN_HEALTH_CHECKS` without a round trip (ADR 0022): a connection the server dropped is
replaced before the request uses it, and a live one is checked without a query."""

import time
from typing import Any

import psycopg
import pytest
from django.db import connection as default_connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

connection: Any = default_connection  # Django's health-check flags are not in its stubs


@pytest.fixture
def a_new_request() -> None:
    """What `request_started` does to a persistent connection: check it again on first use."""
    connection.ensure_connection()
    assert connection.health_check_enabled
    connection.health_check_done = False


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_a_connection_the_server_terminated_is_replaced_before_it_is_used() -> None:
    dropped = backend_pid()
    terminate(dropped)
    connection.health_check_done = False  # the next request

    assert backend_pid() != dropped, "a fresh connection, not a 500"


def test_a_live_connection_is_checked_without_a_query(
    a_new_request: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []
    live = connection.connection
    original = type(live).cursor

    def counting_cursor(self: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append("a cursor before the request's own query")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(live), "cursor", counting_cursor)
    connection.close_if_health_check_failed()
    monkeypatch.undo()

    assert sent == []
    assert connection.connection is live
    assert connection.health_check_done


def test_a_notice_on_the_socket_is_not_a_drop(a_new_request: None) -> None:
    """Anything the server said first gets Django's `SELECT 1`, which a live connection passes."""
    live = connection.connection
    with connection.cursor() as cursor:
        cursor.execute("LISTEN emporium_test")
    notify("emporium_test")
    connection.health_check_done = False

    connection.close_if_health_check_failed()

    assert connection.connection is live
    with connection.cursor() as cursor:
        cursor.execute("UNLISTEN emporium_test")


def terminate(pid: int) -> None:
    with admin() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 10
        while other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            assert time.monotonic() < deadline, "the backend did not go"
            time.sleep(0.05)


def notify(channel: str) -> None:
    with admin() as other:
        other.execute(f"NOTIFY {channel}")
    time.sleep(0.2)


def admin() -> psycopg.Connection[Any]:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)
