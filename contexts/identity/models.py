"""Django finds a context's models here; they live in `infrastructure/models.py`."""

from contexts.identity.infrastructure.models import PasswordResetToken, RefreshTokenFamily, User

__all__ = ["PasswordResetToken", "RefreshTokenFamily", "User"]
