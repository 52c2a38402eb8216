"""Embedded mode's broker writes a message whole before a worker can see it: a worker that
looked while kombu's own transport was writing read an empty file and stopped."""

from pathlib import Path
from queue import Empty
from typing import Any

import pytest
from kombu import Connection
from kombu.transport import filesystem as kombu_filesystem

from shared_kernel.messaging import filesystem_broker


def _channel(transport: Any, folder: Path) -> Any:
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder)}
    return Connection(transport=transport, transport_options=options).default_channel


def _reader_looks_while_writing(module: Any, monkeypatch, folder: Path) -> list[object]:
    """Put a message while a second channel reads the queue in the middle of the write."""
    writer, reader = _channel(module.Transport, folder), _channel(module.Transport, folder)
    seen: list[object] = []
    real_dumps = module.dumps

    def dumps_then_look(payload: Any) -> str:
        try:
            seen.append(reader._get("orders"))
        except Empty:
            seen.append("nothing")
        return real_dumps(payload)

    monkeypatch.setattr(module, "dumps", dumps_then_look)
    writer._put("orders", {"body": "whole"})
    return seen


def test_a_reader_never_sees_a_message_half_written(monkeypatch, tmp_path):
    seen = _reader_looks_while_writing(filesystem_broker, monkeypatch, tmp_path)

    assert seen == ["nothing"]
    reader = _channel(filesystem_broker.Transport, tmp_path)
    assert reader._get("orders") == {"body": "whole"}


def test_kombus_own_transport_shows_the_empty_file(monkeypatch, tmp_path):
    """What went wrong before (the reason for this module)."""
    with pytest.raises(ValueError, match="Expecting value"):
        _reader_looks_while_writing(kombu_filesystem, monkeypatch, tmp_path)


def test_no_partial_file_is_left_behind(tmp_path):
    _channel(filesystem_broker.Transport, tmp_path)._put("orders", {"body": "whole"})

    assert [path.name.endswith(".orders.msg") for path in tmp_path.iterdir()] == [True]
