"""The repositories: stock rows, movements and reservations kept in Django's ORM.

Writes load rows with `SELECT … FOR UPDATE`: stock rows in order of their codes, so two
transactions wanting the same SKUs queue on the first one they share and can never hold
each other's locks (ADR 0026); saves are still versioned (`versioning.update`). SQLite
ignores `FOR UPDATE`: there, `IMMEDIATE` transactions let one writer in at a time.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction

from contexts.inventory.application.ports import (
    MovementLog,
    ReservationAlreadyOpen,
    ReservationRepository,
    StockAlreadyOpen,
    StockRepository,
)
from contexts.inventory.domain.reservation import (
    Reservation,
    ReservationId,
    ReservationLine,
    ReservationStatus,
)
from contexts.inventory.domain.stock import Stock, StockMovement
from contexts.inventory.infrastructure import models
from shared_kernel.application.unit_of_work import track
from shared_kernel.infrastructure import versioning


class DjangoStockRepository(StockRepository):
    def find(self, sku: str) -> Stock | None:
        row = models.Stock.objects.filter(sku=sku).first()
        return _stock(row) if row is not None else None

    def lock(self, skus: Iterable[str]) -> dict[str, Stock]:
        rows = models.Stock.objects.select_for_update().filter(sku__in=set(skus)).order_by("sku")
        return {row.sku: _stock(row) for row in rows}

    def add(self, stock: Stock) -> None:
        try:
            with transaction.atomic():
                versioning.insert(
                    models.Stock,
                    stock,
                    id=stock.id,
                    sku=stock.sku,
                    on_hand=stock.on_hand,
                    reserved=stock.reserved,
                )
        except IntegrityError as exc:
            if models.Stock.objects.filter(sku=stock.sku).exists():
                raise StockAlreadyOpen(f"{stock.sku} has a stock row already.") from exc
            raise

    def save(self, stock: Stock) -> None:
        versioning.update(models.Stock, stock, on_hand=stock.on_hand, reserved=stock.reserved)


class DjangoMovementLog(MovementLog):
    def add(self, movement: StockMovement) -> None:
        models.StockMovement.objects.create(
            id=movement.id,
            sku=movement.sku,
            kind=movement.kind.value,
            quantity=movement.quantity,
            reason=movement.reason,
            by=movement.by,
            at=movement.at,
            on_hand_after=movement.on_hand_after,
        )


class DjangoReservationRepository(ReservationRepository):
    def lock_for_order(self, order_id: uuid.UUID) -> Reservation | None:
        row = models.Reservation.objects.select_for_update().filter(order_id=order_id).first()
        return _reservation(row) if row is not None else None

    def lock(self, reservation_id: ReservationId) -> Reservation | None:
        row = models.Reservation.objects.select_for_update().filter(pk=reservation_id).first()
        return _reservation(row) if row is not None else None

    def due_for_expiry(self, *, now: datetime, limit: int) -> list[ReservationId]:
        due = models.Reservation.objects.filter(
            status=ReservationStatus.HELD.value, expires_at__lte=now
        ).order_by("expires_at", "id")
        return [ReservationId(pk) for pk in due.values_list("id", flat=True)[:limit]]

    def add(self, reservation: Reservation) -> None:
        try:
            with transaction.atomic():
                versioning.insert(
                    models.Reservation,
                    reservation,
                    id=reservation.id,
                    order_id=reservation.order_id,
                    lines=_lines_json(reservation),
                    **_state(reservation),
                )
        except IntegrityError as exc:
            raise ReservationAlreadyOpen(
                f"Order {reservation.order_id} has a reservation already."
            ) from exc

    def save(self, reservation: Reservation) -> None:
        versioning.update(models.Reservation, reservation, **_state(reservation))


def _stock(row: models.Stock) -> Stock:
    stock = Stock(sku=row.sku, on_hand=row.on_hand, reserved=row.reserved, version=row.version)
    track(stock)
    return stock


def _reservation(row: models.Reservation) -> Reservation:
    reservation = Reservation(
        id=ReservationId(row.id),
        order_id=row.order_id,
        lines=tuple(ReservationLine(line["sku"], line["quantity"]) for line in row.lines),
        status=ReservationStatus(row.status),
        expires_at=row.expires_at,
        order_sequence=row.order_sequence,
        version=row.version,
    )
    track(reservation)
    return reservation


def _lines_json(reservation: Reservation) -> list[dict[str, object]]:
    return [{"sku": line.sku, "quantity": line.quantity} for line in reservation.lines]


def _state(reservation: Reservation) -> dict[str, object]:
    return {
        "status": reservation.status.value,
        "expires_at": reservation.expires_at,
        "order_sequence": reservation.order_sequence,
    }
