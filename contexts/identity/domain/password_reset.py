"""A password reset: a single-use secret that lets an account's owner choose a new password.

Only a digest of the secret is kept, so a leaked database cannot be used to take over
accounts; the raw secret exists only in the email (via the `PasswordResetRequested` event).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Self

from contexts.identity.domain.account import Account, UserId
from contexts.identity.domain.errors import (
    AccountInactive,
    ResetTokenAlreadyUsed,
    ResetTokenExpired,
)
from shared_kernel.domain.ids import EntityId


class PasswordResetId(EntityId):
    pass


def new_reset_token() -> str:
    """256 random bits, URL-safe: the secret the reset link carries."""
    return secrets.token_urlsafe(32)


def digest_reset_token(raw_token: str) -> str:
    """SHA-256 is enough here: the token is 256 random bits, not a guessable password."""
    return hashlib.sha256(raw_token.encode()).hexdigest()


@dataclass(slots=True)
class PasswordReset:
    id: PasswordResetId
    user_id: UserId
    token_digest: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    @classmethod
    def issue(
        cls,
        *,
        id: PasswordResetId,
        account: Account,
        raw_token: str,
        now: datetime,
        valid_for: timedelta,
    ) -> Self:
        """Only an active account may reset its password: a deactivated one stays closed."""
        if not account.is_active:
            raise AccountInactive()
        return cls(
            id=id,
            user_id=account.id,
            token_digest=digest_reset_token(raw_token),
            created_at=now,
            expires_at=now + valid_for,
        )

    @property
    def is_used(self) -> bool:
        return self.used_at is not None

    def is_expired(self, *, now: datetime) -> bool:
        return now >= self.expires_at

    def redeem(self, *, now: datetime) -> None:
        """Spend the token: once only, and only before it expires."""
        if self.is_used:
            raise ResetTokenAlreadyUsed()
        if self.is_expired(now=now):
            raise ResetTokenExpired()
        self.used_at = now
