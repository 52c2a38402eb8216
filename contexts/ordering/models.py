"""Django finds a context's models here; they live in `infrastructure/models.py`."""

from contexts.ordering.infrastructure.models import (
    IdempotencyKey,
    Order,
    OrderHistoryEntry,
    OrderLine,
)

__all__ = ["IdempotencyKey", "Order", "OrderHistoryEntry", "OrderLine"]
