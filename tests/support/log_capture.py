"""Every log line as production renders it (JSON), structlog's and the standard library's,
through the project's processors: for tests that check what a log line may never say."""

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import structlog

from shared_kernel.observability.logging import _SHARED_PROCESSORS


@contextmanager
def rendered_log_lines() -> Iterator[io.StringIO]:
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(),
            ],
            foreign_pre_chain=_SHARED_PROCESSORS,
        )
    )
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
