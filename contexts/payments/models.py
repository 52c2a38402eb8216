"""Django finds a context's models here; they live in `infrastructure/models.py`."""

from contexts.payments.infrastructure.models import GatewayEvent, OrderGate, Payment

__all__ = ["GatewayEvent", "OrderGate", "Payment"]
