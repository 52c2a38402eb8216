"""Diagnostics tasks: proof that a worker is alive and consuming.

`diagnostics.heartbeat` records when (and by which worker process) it last ran in the cache.
Beat schedules it, so an operator can tell a stalled worker from an idle one by the age of
the cached heartbeat (`cache.get(HEARTBEAT_CACHE_KEY)` in `manage.py shell`), and the
end-to-end tests read it to watch a real worker execute a real task.
"""

import os
import socket
from datetime import UTC, datetime
from typing import TypedDict

from celery import shared_task
from django.core.cache import cache

HEARTBEAT_CACHE_KEY = "diagnostics:heartbeat"
HEARTBEAT_TTL_SECONDS = 24 * 3600


class Heartbeat(TypedDict):
    at: str
    hostname: str
    pid: int
    note: str


@shared_task(name="diagnostics.heartbeat", ignore_result=True)
def heartbeat(note: str = "") -> Heartbeat:
    """Store the time, host and process of the worker that ran this task."""
    beat = Heartbeat(
        at=datetime.now(UTC).isoformat(),
        hostname=socket.gethostname(),
        pid=os.getpid(),
        note=note,
    )
    cache.set(HEARTBEAT_CACHE_KEY, beat, timeout=HEARTBEAT_TTL_SECONDS)
    return beat
