"""Django finds a context's models here; they live in `infrastructure/models.py`."""

from contexts.notifications.infrastructure.models import EmailDelivery

__all__ = ["EmailDelivery"]
