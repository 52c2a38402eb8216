"""Ordering's subscribers: the process manager of the order saga (ARCHITECTURE.md §4).

Doors like the API and the admin: an event in, one step of the saga (`application/saga.py`),
nothing out but what the step publishes. Each runs async on ordering's queue, in one
transaction with its inbox row, so an event delivered twice has one effect; each step
checks the order's state first, so a duplicate or late event is never applied. A step
that finds the order changed meanwhile (409) raises, and the bus retries it.
"""

from collections.abc import Callable

import structlog

from contexts.inventory.contracts import (
    ReservationExpired,
    StockCommitFailed,
    StockReservationFailed,
    StockReserved,
)
from contexts.ordering.application.saga import Outcome
from contexts.ordering.application.services import ordering_use_cases
from contexts.ordering.infrastructure.metrics import count_saga_step
from contexts.payments.contracts import PaymentCaptured, PaymentFailed
from shared_kernel.domain.events import IntegrationEvent
from shared_kernel.messaging.bus import subscribe

logger = structlog.get_logger(__name__)

SagaEvent = (
    StockReserved
    | StockReservationFailed
    | PaymentCaptured
    | PaymentFailed
    | ReservationExpired
    | StockCommitFailed
)


def on_stock_reserved(event: StockReserved) -> None:
    outcome = ordering_use_cases().on_stock_reserved(
        order_id=event.order_id, reservation_id=event.reservation_id
    )
    _log(event, outcome)


def on_stock_reservation_failed(event: StockReservationFailed) -> None:
    _log(event, ordering_use_cases().on_stock_reservation_failed(order_id=event.order_id))


def on_payment_captured(event: PaymentCaptured) -> None:
    _log(event, ordering_use_cases().on_payment_captured(order_id=event.order_id))


def on_payment_failed(event: PaymentFailed) -> None:
    outcome = ordering_use_cases().on_payment_failed(order_id=event.order_id, reason=event.reason)
    _log(event, outcome)


def on_reservation_expired(event: ReservationExpired) -> None:
    _log(event, ordering_use_cases().on_reservation_expired(order_id=event.order_id))


def on_stock_commit_failed(event: StockCommitFailed) -> None:
    outcome = ordering_use_cases().on_stock_commit_failed(
        order_id=event.order_id, reservation_id=event.reservation_id
    )
    _log(event, outcome)


SUBSCRIBERS: dict[str, tuple[type[IntegrationEvent], Callable[..., None]]] = {
    "ordering.on_stock_reserved": (StockReserved, on_stock_reserved),
    "ordering.on_stock_reservation_failed": (StockReservationFailed, on_stock_reservation_failed),
    "ordering.on_payment_captured": (PaymentCaptured, on_payment_captured),
    "ordering.on_payment_failed": (PaymentFailed, on_payment_failed),
    "ordering.on_reservation_expired": (ReservationExpired, on_reservation_expired),
    "ordering.on_stock_commit_failed": (StockCommitFailed, on_stock_commit_failed),
}


def register() -> None:
    for name, (event_class, handler) in SUBSCRIBERS.items():
        subscribe(event_class, handler, name=name)


def _log(event: SagaEvent, outcome: Outcome) -> None:
    """A late event compensated is worth a warning: it means the saga raced itself."""
    count_saga_step(event.event_type, outcome.value)
    log = logger.warning if outcome is Outcome.COMPENSATED else logger.info
    log(
        "order_saga_step",
        event_type=event.event_type,
        order_id=str(event.order_id),
        outcome=outcome,
    )
