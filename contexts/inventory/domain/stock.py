"""Stock per SKU: how many units are on hand, how many are held for orders.

A `Stock` is a versioned aggregate with one row per SKU code. Every change to it raises one
`StockChanged` (its opening at 0 included) whose sequence is the row's version, so
catalog's availability read model keeps the newest. The rules:

- nothing ever goes negative, and `reserved` never exceeds `on_hand`: available (on hand
  minus reserved) is what an order may still take;
- a restock adds a positive quantity; an adjustment corrects the count by a non-zero
  signed quantity, with a reason, and never below what is reserved;
- on hand never exceeds `MAX_ON_HAND`;
- restocks and adjustments are kept as `StockMovement`s (who, when, how much, why).

Holding, committing and returning stock for orders is driven by `Reservation`; which rows
a transaction may change together, and how they are locked, is ADR 0026.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Self

from contexts.inventory.contracts import StockChanged
from contexts.inventory.domain.errors import (
    BelowReserved,
    InvalidQuantity,
    InvalidReason,
    NotEnoughStock,
)
from shared_kernel.domain.aggregate import AggregateRoot

SKU_CODE_MAX_LENGTH = 64
REASON_MAX_LENGTH = 200
MAX_ON_HAND = 1_000_000_000  # far above any shelf, well inside the column's range
_SKU_NAMESPACE = uuid.UUID("8a4f3c2e-6b1d-5e7a-9c0f-2d4b6e8a1c3f")
_SKU_CODE = re.compile(r"[A-Z0-9][A-Z0-9._-]*")  # catalog's `SkuCode` rule


def sku_code(raw: str) -> str:
    """A SKU code as catalog stores it: trimmed and upper-cased (`shirt-m` is `SHIRT-M`)."""
    return raw.strip().upper()


def is_well_formed(code: str) -> bool:
    """Whether catalog could have given this (normalised) code: letters, digits, `.`, `_`
    and `-`, starting with a letter or digit, at most 64 characters."""
    return len(code) <= SKU_CODE_MAX_LENGTH and _SKU_CODE.fullmatch(code) is not None


def stock_id(sku: str) -> uuid.UUID:
    """The stable id a SKU's stock row (and its events) travel with, derived from the code."""
    return uuid.uuid5(_SKU_NAMESPACE, sku)


class MovementKind(StrEnum):
    RESTOCK = "restock"
    ADJUSTMENT = "adjustment"


@dataclass(frozen=True, slots=True, kw_only=True)
class StockMovement:
    """One restock or adjustment staff made, as it was made."""

    id: uuid.UUID
    sku: str
    kind: MovementKind
    quantity: int
    reason: str
    by: uuid.UUID | None
    at: datetime
    on_hand_after: int


class Stock(AggregateRoot):
    def __init__(self, *, sku: str, on_hand: int = 0, reserved: int = 0, version: int = 0) -> None:
        super().__init__(version=version)
        self.sku = sku
        self.id = stock_id(sku)
        self._on_hand = on_hand
        self._reserved = reserved

    @classmethod
    def open(cls, sku: str) -> Self:
        """A SKU inventory has not held before: a row at 0, announced like any change."""
        stock = cls(sku=sku)
        stock._changed()
        return stock

    @property
    def on_hand(self) -> int:
        return self._on_hand

    @property
    def reserved(self) -> int:
        return self._reserved

    @property
    def available(self) -> int:
        return self._on_hand - self._reserved

    def restock(self, quantity: int, *, by: uuid.UUID | None, at: datetime) -> StockMovement:
        if quantity <= 0:
            raise InvalidQuantity("A restock adds a quantity greater than zero.")
        self._require_room_for(quantity)
        self._on_hand += quantity
        self._changed()
        return self._movement(MovementKind.RESTOCK, quantity, "", by=by, at=at)

    def adjust(
        self, quantity: int, *, reason: str, by: uuid.UUID | None, at: datetime
    ) -> StockMovement:
        """Correct the count (a stocktake, damage): never below what orders hold."""
        reason = " ".join(reason.split())
        if quantity == 0:
            raise InvalidQuantity("An adjustment changes the count: use a non-zero quantity.")
        if not reason:
            raise InvalidReason("Say why the count changes.")
        if len(reason) > REASON_MAX_LENGTH:
            raise InvalidReason(
                f"Ensure this field has no more than {REASON_MAX_LENGTH} characters."
            )
        if self._on_hand + quantity < self._reserved:
            raise BelowReserved(
                sku=self.sku, on_hand=self._on_hand, reserved=self._reserved, quantity=quantity
            )
        self._require_room_for(quantity)
        self._on_hand += quantity
        self._changed()
        return self._movement(MovementKind.ADJUSTMENT, quantity, reason, by=by, at=at)

    @property
    def has_changes(self) -> bool:
        """Whether anything changed since it was loaded or saved (a save is then due)."""
        return bool(self._raised)

    def can_supply(self, quantity: int) -> bool:
        return 0 < quantity <= self.available

    def hold(self, quantity: int) -> None:
        """Set units aside for an order; they stay on hand until it is confirmed."""
        self._require_available(quantity)
        self._reserved += quantity
        self._changed()

    def release(self, quantity: int) -> None:
        """Units held for an order go back to available (rejected, expired)."""
        if quantity > self._reserved:
            raise NotEnoughStock(f"{self.sku}: {quantity} to release but {self._reserved} held.")
        self._reserved -= quantity
        self._changed()

    def commit(self, quantity: int) -> None:
        """Units held for a confirmed order leave the shelf."""
        if quantity > self._reserved:
            raise NotEnoughStock(f"{self.sku}: {quantity} to commit but {self._reserved} held.")
        self._reserved -= quantity
        self._on_hand -= quantity
        self._changed()

    def take(self, quantity: int) -> None:
        """Units leave the shelf for an order that holds none (its hold had expired)."""
        self._require_available(quantity)
        self._on_hand -= quantity
        self._changed()

    def put_back(self, quantity: int) -> None:
        """Units of a cancelled order return to the shelf."""
        self._on_hand += quantity
        self._changed()

    def _require_room_for(self, quantity: int) -> None:
        if self._on_hand + quantity > MAX_ON_HAND:
            raise InvalidQuantity(f"On hand would exceed {MAX_ON_HAND}.")

    def _require_available(self, quantity: int) -> None:
        if not self.can_supply(quantity):
            raise NotEnoughStock(f"{self.sku}: {quantity} asked, {self.available} available.")

    def _changed(self) -> None:
        self.record(
            StockChanged(
                sku=self.sku,
                on_hand=self._on_hand,
                reserved=self._reserved,
                available=self.available,
            )
        )

    def _movement(
        self, kind: MovementKind, quantity: int, reason: str, *, by: uuid.UUID | None, at: datetime
    ) -> StockMovement:
        return StockMovement(
            id=uuid.uuid4(),
            sku=self.sku,
            kind=kind,
            quantity=quantity,
            reason=reason,
            by=by,
            at=at,
            on_hand_after=self._on_hand,
        )
