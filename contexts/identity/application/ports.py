"""What identity's use cases need from the outside world, stated as abstract ports.

A port is here because it has two adapters, Django's (`infrastructure/`) and the tests'
in-memory fake (`tests/identity/fakes.py`). The clock is a plain callable
(`shared_kernel.application.clock`).
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime

from contexts.identity.domain.account import Account, UserId
from contexts.identity.domain.email import EmailAddress
from contexts.identity.domain.password_reset import PasswordReset
from shared_kernel.domain.errors import DomainError


class AccountRepository(ABC):
    """Accounts, versioned: `save` stores only the version `get` handed out (else 409)."""

    @abstractmethod
    def get(self, user_id: UserId) -> Account:
        """The account, or AccountNotFound."""

    @abstractmethod
    def find_by_email(self, email: EmailAddress) -> Account | None: ...

    @abstractmethod
    def add(self, account: Account) -> None:
        """Store a new account; EmailAlreadyRegistered if its address is taken, even by a
        registration that committed a moment ago (the store's uniqueness decides)."""

    @abstractmethod
    def save(self, account: Account) -> None:
        """Store the changes; StaleAggregate if the account changed since it was loaded."""


class PasswordResetRepository(ABC):
    @abstractmethod
    def add(self, reset: PasswordReset) -> None: ...

    @abstractmethod
    def find_by_digest_for_update(self, token_digest: str) -> PasswordReset | None:
        """The reset holding this digest, locked until the unit of work ends, so two
        concurrent confirmations cannot both spend it."""

    @abstractmethod
    def save(self, reset: PasswordReset) -> None: ...

    @abstractmethod
    def void_unused(self, user_id: UserId, *, at: datetime) -> None:
        """Spend every unused reset of the account: a new password makes older links void."""

    @abstractmethod
    def void_oldest_live(self, user_id: UserId, *, keep: int, at: datetime) -> None:
        """Spend the account's live resets (unused, unexpired at `at`) but the `keep` newest."""


class Passwords(ABC):
    """Hashing and the strength policy, which always travel together."""

    @abstractmethod
    def hash(self, raw_password: str) -> str: ...

    @abstractmethod
    def matches(self, raw_password: str, password_hash: str) -> bool: ...

    @abstractmethod
    def check(
        self, raw_password: str, *, email: str, full_name: str, field: str = "password"
    ) -> None:
        """Raise WeakPassword, on `field`, with every reason the password is refused."""


class SessionRevoker(ABC):
    @abstractmethod
    def revoke_all(self, user_id: UserId) -> None:
        """End every signed-in session of the account (its refresh tokens stop working)."""

    @abstractmethod
    def revoke(self, refresh_token: str, *, owner: UserId) -> None:
        """End the session of this refresh token. `InvalidInput` on `refresh` when the token
        is unusable (malformed, expired, already revoked); `PermissionDenied` when it
        belongs to another account, which then stays signed in."""


@dataclass(frozen=True, slots=True)
class TokenPair:
    """A short-lived access token (`Authorization: Bearer …`) and a refresh token."""

    access: str
    refresh: str


class RefreshTokenRefused(DomainError):
    """The refresh token cannot be traded: malformed, expired, revoked, or its account
    closed or signed out everywhere since. The API answers 401."""

    title = "Refresh token refused"
    code = "token_not_valid"


class RefreshTokenReused(RefreshTokenRefused):
    """A refresh token already traded for a newer one was presented again: a stolen copy
    or a replay. Its family has been revoked by the time this is raised."""

    def __init__(self) -> None:
        super().__init__(
            "This refresh token was already used; the session it belongs to has been "
            "signed out. Sign in again."
        )


class SessionTokens(ABC):
    """Sessions as bearer tokens (ADR 0018). A sign-in opens a session: an access token and
    the first refresh token of a family; each refresh trades the family's newest refresh
    token for a new pair. Tokens carry the account's auth version and stop working once
    it moves on (a password change, a reset, deactivation)."""

    @abstractmethod
    def open(self, user_id: UserId) -> TokenPair:
        """A new session, a family of its own, for an account that just proved who it is."""

    @abstractmethod
    def refresh(self, refresh_token: str) -> TokenPair:
        """Trade the family's newest refresh token for a new pair; that token is spent.
        `RefreshTokenRefused` when it cannot be traded; `RefreshTokenReused` when it was
        traded already: the whole family is revoked first (the OAuth 2.0 security BCP)."""
