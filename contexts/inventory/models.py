"""Django finds a context's models here; they live in `infrastructure/models.py`."""

from contexts.inventory.infrastructure.models import Reservation, Stock, StockMovement

__all__ = ["Reservation", "Stock", "StockMovement"]
