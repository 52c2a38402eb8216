"""Integration events that exist only for the event bus's tests."""

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar, Literal

from shared_kernel.domain.events import IntegrationEvent
from shared_kernel.domain.ids import EntityId
from shared_kernel.domain.money import Money


class ThingId(EntityId):
    pass


class Colour(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True, kw_only=True)
class ProbeLine:
    sku: str
    quantity: int
    unit_price: Money


@dataclass(frozen=True, kw_only=True)
class ProbeHappened(IntegrationEvent):
    """The plain probe: subscribers record one effect row per event they handle."""

    probe_id: uuid.UUID
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class EverythingProbed(IntegrationEvent):
    """Every field type the bus carries, to prove the JSON round trip exact."""

    secret_fields: ClassVar[frozenset[str]] = frozenset({"reset_token"})

    thing_id: ThingId
    plain_id: uuid.UUID
    amount: Decimal
    total: Money
    at: datetime
    on: date
    lines: tuple[ProbeLine, ...]
    pair: tuple[str, int]
    colour: Colour
    cancelled_by: Literal["customer", "staff", "system"]
    maybe: str | None
    flag: bool
    ratio: float
    reset_token: str


@dataclass(frozen=True, kw_only=True)
class WorkerProbed(IntegrationEvent):
    """Handled by a real Celery worker process in the worker tests."""

    probe_id: uuid.UUID
    run: str
