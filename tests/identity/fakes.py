"""In-memory fakes of identity's ports, and the use cases composed on them as the app
composes them on Django's adapters (`compose_use_cases`)."""

import copy
from datetime import datetime, timedelta

from contexts.identity.application.ports import (
    AccountRepository,
    PasswordResetRepository,
    Passwords,
    SessionRevoker,
)
from contexts.identity.application.services import (
    IdentityPorts,
    IdentityUseCases,
    compose_use_cases,
)
from contexts.identity.domain.account import Account, UserId
from contexts.identity.domain.email import EmailAddress
from contexts.identity.domain.errors import AccountNotFound, EmailAlreadyRegistered, WeakPassword
from contexts.identity.domain.password_reset import PasswordReset
from shared_kernel.domain.errors import InvalidInput, PermissionDenied
from tests.support.fakes import FakeClock, FakeUnitOfWork, InMemoryRepository, InMemoryStore


class InMemoryAccounts(InMemoryRepository[Account], AccountRepository):
    def get(self, user_id: UserId) -> Account:
        found = self._load(str(user_id))
        if found is None:
            raise AccountNotFound(f"No account with id {user_id}.")
        return found

    def find_by_email(self, email: EmailAddress) -> Account | None:
        return next((a for a in self._all() if a.email == email), None)

    def add(self, account: Account) -> None:
        if any(existing.email == account.email for existing in self._all()):
            raise EmailAlreadyRegistered()
        self._insert(account)

    def save(self, account: Account) -> None:
        self._update(account)


class InMemoryResets(InMemoryStore, PasswordResetRepository):
    def add(self, reset: PasswordReset) -> None:
        self.rows[reset.token_digest] = copy.deepcopy(reset)

    def find_by_digest_for_update(self, token_digest: str) -> PasswordReset | None:
        found = self.rows.get(token_digest)
        return copy.deepcopy(found) if isinstance(found, PasswordReset) else None

    def save(self, reset: PasswordReset) -> None:
        self.rows[reset.token_digest] = copy.deepcopy(reset)

    def void_unused(self, user_id: UserId, *, at: datetime) -> None:
        for reset in self.all():
            if reset.user_id == user_id and reset.used_at is None:
                reset.used_at = at

    def void_oldest_live(self, user_id: UserId, *, keep: int, at: datetime) -> None:
        live = [
            reset
            for reset in self.all()
            if reset.user_id == user_id and reset.used_at is None and not reset.is_expired(now=at)
        ]
        live.sort(key=lambda reset: reset.created_at, reverse=True)
        for reset in live[keep:]:
            reset.used_at = at

    def all(self) -> list[PasswordReset]:
        return [row for row in self.rows.values() if isinstance(row, PasswordReset)]


class PlainTextPasswords(Passwords):
    """Reversible on purpose: tests read which password an account holds. At least 8
    characters, not contained in the email."""

    def hash(self, raw_password: str) -> str:
        return f"plain${raw_password}"

    def matches(self, raw_password: str, password_hash: str) -> bool:
        return password_hash == self.hash(raw_password)

    def check(
        self, raw_password: str, *, email: str, full_name: str, field: str = "password"
    ) -> None:
        reasons = []
        if len(raw_password) < 8:
            reasons.append("This password is too short.")
        if raw_password.lower() in email:
            reasons.append("This password is too similar to the email address.")
        if reasons:
            raise WeakPassword(reasons, field=field)


class RecordingSessions(SessionRevoker):
    """Sessions are refresh tokens named `<owner id>:<anything>`; `revoked` lists ended ones."""

    def __init__(self) -> None:
        self.revoked: list[UserId] = []
        self.revoked_tokens: list[str] = []

    def revoke_all(self, user_id: UserId) -> None:
        self.revoked.append(user_id)

    def revoke(self, refresh_token: str, *, owner: UserId) -> None:
        if refresh_token in self.revoked_tokens or ":" not in refresh_token:
            raise InvalidInput("refresh", ["Token is invalid"])
        if refresh_token.split(":", 1)[0] != str(owner):
            raise PermissionDenied("This refresh token belongs to another account.")
        self.revoked_tokens.append(refresh_token)


class IdentityFakes:
    """Every port faked; `use_cases()` composes them as the app does."""

    RESET_VALID_FOR = timedelta(minutes=60)
    RESET_LIVE_LIMIT = 3

    def __init__(self) -> None:
        self.accounts = InMemoryAccounts()
        self.resets = InMemoryResets()
        self.uow = FakeUnitOfWork(stores=[self.accounts, self.resets])
        self.passwords = PlainTextPasswords()
        self.sessions = RecordingSessions()
        self.clock = FakeClock()

    def use_cases(self) -> IdentityUseCases:
        return compose_use_cases(
            IdentityPorts(
                uow=self.uow.factory,
                accounts=self.accounts,
                resets=self.resets,
                passwords=self.passwords,
                sessions=self.sessions,
                clock=self.clock,
                reset_valid_for=lambda: self.RESET_VALID_FOR,
                reset_live_limit=lambda: self.RESET_LIVE_LIMIT,
            )
        )
