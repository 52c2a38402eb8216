"""structlog's events skip the `LogRecord` round trip when our handler is their only
destination (ADR 0022): the same line either way, and every other destination (a test's
capture handler, a filter) still gets the record."""

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from shared_kernel.observability.logging import ConsoleHandler, logging_config

NAME = "tests.log_fast_path"


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def console() -> Iterator[tuple[io.StringIO, logging.Logger]]:
    """A logger whose only handler is a `ConsoleHandler` as settings configure it."""
    options = dict(logging_config(json=True, level="INFO")["formatters"]["structured"])
    formatter = options.pop("()")(**options)
    stream = io.StringIO()
    handler = ConsoleHandler(stream)
    handler.setFormatter(formatter)
    stdlib = logging.getLogger(NAME)
    stdlib.handlers, stdlib.propagate, stdlib.level = [handler], False, logging.INFO
    try:
        yield stream, stdlib
    finally:
        stdlib.handlers, stdlib.propagate, stdlib.level = [], True, logging.NOTSET


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def without_time(line: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in line.items() if key != "timestamp"}


def test_the_line_written_directly_is_the_line_the_record_makes(console, monkeypatch) -> None:
    stream, stdlib = console
    made: list[object] = []
    make_record = stdlib.makeRecord

    def counted(*args: Any, **kwargs: Any) -> logging.LogRecord:
        made.append(args)
        return make_record(*args, **kwargs)

    monkeypatch.setattr(stdlib, "makeRecord", counted)
    log = structlog.get_logger(NAME)
    with structlog.contextvars.bound_contextvars(request_id="r-1"):
        log.info("paid", order="o-1", reset_token="s3cret")  # only our handler: direct
        assert made == [], "no LogRecord on the direct path"
        records = Records()
        stdlib.addHandler(records)  # a second destination: the record round trip
        log.info("paid", order="o-1", reset_token="s3cret")

    direct, through_a_record = lines(stream)
    assert without_time(direct) == without_time(through_a_record)
    assert direct["request_id"] == "r-1"
    assert direct["reset_token"] == "********"
    assert direct["logger"] == NAME
    assert direct["level"] == "info"
    assert len(made) == 1
    [record] = records.records
    assert isinstance(record.msg, dict)
    assert record.msg["event"] == "paid"


def test_an_exception_is_rendered_on_the_direct_path_too(console) -> None:
    stream, _ = console
    try:
        raise ValueError("boom")
    except ValueError:
        structlog.get_logger(NAME).exception("failed")

    [line] = lines(stream)
    assert line["level"] == "error"
    assert "ValueError: boom" in line["exception"]


def test_below_the_handlers_level_nothing_is_written(console) -> None:
    stream, stdlib = console
    stdlib.handlers[0].setLevel(logging.ERROR)
    structlog.get_logger(NAME).warning("ignored")

    assert stream.getvalue() == ""


def test_a_filter_on_the_logger_gets_the_record(console) -> None:
    stream, stdlib = console
    seen: list[logging.LogRecord] = []

    def keep(record: logging.LogRecord) -> bool:
        seen.append(record)
        return True

    stdlib.addFilter(keep)
    try:
        structlog.get_logger(NAME).info("filtered")
    finally:
        stdlib.removeFilter(keep)

    assert len(seen) == 1
    assert [line["event"] for line in lines(stream)] == ["filtered"]
