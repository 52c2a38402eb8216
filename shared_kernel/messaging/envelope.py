"""The envelope every integration event travels in (ARCHITECTURE.md §3).

Handlers that want more than the event ask for the envelope: its `sequence` lets a read
model ignore an event older than what it holds, its ids tie a chain of events together.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Envelope:
    event_id: uuid.UUID
    event_type: str
    version: int
    occurred_at: datetime
    aggregate_id: str
    sequence: int
    correlation_id: str
    causation_id: str


def is_newer(sequence: int, *, than: int | None) -> bool:
    """Whether an event at `sequence` should replace state built from `than` (None: nothing held).

    Delivery is at least once and not ordered, so a read model applies an event only if it
    is newer than what it holds; sequence 0 means the publisher keeps no sequence, and such
    an event always applies.
    """
    return than is None or sequence == 0 or sequence > than
