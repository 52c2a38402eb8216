"""In-memory fakes of identity's ports, for use-case tests that need no database."""

import copy
import itertools
from datetime import datetime, timedelta

from contexts.identity.application.ports import (
    AccountRepository,
    Clock,
    PasswordHasher,
    PasswordPolicy,
    PasswordResetRepository,
    ResetTokenGenerator,
    SessionRevoker,
)
from contexts.identity.application.services import IdentityUseCases
from contexts.identity.application.use_cases.change_password import ChangePassword
from contexts.identity.application.use_cases.change_profile import ChangeProfile
from contexts.identity.application.use_cases.change_staff_status import ChangeStaffStatus
from contexts.identity.application.use_cases.confirm_password_reset import ConfirmPasswordReset
from contexts.identity.application.use_cases.deactivate_account import DeactivateAccount
from contexts.identity.application.use_cases.get_account import GetAccount
from contexts.identity.application.use_cases.register_user import RegisterUser
from contexts.identity.application.use_cases.request_password_reset import RequestPasswordReset
from contexts.identity.application.use_cases.sign_out import SignOut
from contexts.identity.domain.account import Account, UserId
from contexts.identity.domain.email import EmailAddress
from contexts.identity.domain.errors import (
    AccountNotFound,
    EmailAlreadyRegistered,
    InvalidInput,
    WeakPassword,
)
from contexts.identity.domain.password_reset import PasswordReset
from shared_kernel.domain.errors import PermissionDenied
from tests.support.fakes import FakeClock as SharedFakeClock
from tests.support.fakes import FakeUnitOfWork


class InMemoryAccounts(AccountRepository):
    """Stores copies, so a use case that fails after mutating an account leaves no trace."""

    def __init__(self) -> None:
        self.rows: dict[UserId, Account] = {}

    def get(self, user_id: UserId) -> Account:
        try:
            return copy.deepcopy(self.rows[user_id])
        except KeyError:
            raise AccountNotFound(f"No account with id {user_id}.") from None

    def find_by_email(self, email: EmailAddress) -> Account | None:
        found = next((a for a in self.rows.values() if a.email == email), None)
        return copy.deepcopy(found)

    def add(self, account: Account) -> None:
        if any(existing.email == account.email for existing in self.rows.values()):
            raise EmailAlreadyRegistered()
        self.rows[account.id] = copy.deepcopy(account)

    def save(self, account: Account) -> None:
        self.rows[account.id] = copy.deepcopy(account)


class InMemoryResets(PasswordResetRepository):
    def __init__(self) -> None:
        self.rows: dict[str, PasswordReset] = {}

    def add(self, reset: PasswordReset) -> None:
        self.rows[reset.token_digest] = copy.deepcopy(reset)

    def find_by_digest_for_update(self, token_digest: str) -> PasswordReset | None:
        return copy.deepcopy(self.rows.get(token_digest))

    def save(self, reset: PasswordReset) -> None:
        self.rows[reset.token_digest] = copy.deepcopy(reset)

    def void_unused(self, user_id: UserId, *, at: datetime) -> None:
        for reset in self.rows.values():
            if reset.user_id == user_id and reset.used_at is None:
                reset.used_at = at


class PlainTextHasher(PasswordHasher):
    """Reversible on purpose: tests read which password an account holds."""

    def hash(self, raw_password: str) -> str:
        return f"plain${raw_password}"

    def matches(self, raw_password: str, password_hash: str) -> bool:
        return password_hash == self.hash(raw_password)


class MinimumLengthPolicy(PasswordPolicy):
    def check(self, raw_password: str, *, email: str, full_name: str) -> None:
        reasons = []
        if len(raw_password) < 8:
            reasons.append("This password is too short.")
        if raw_password.lower() in email:
            reasons.append("This password is too similar to the email address.")
        if reasons:
            raise WeakPassword(reasons)


class CountingTokens(ResetTokenGenerator):
    def __init__(self) -> None:
        self._numbers = itertools.count(1)

    def new_token(self) -> str:
        return f"reset-token-{next(self._numbers)}"


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


class FakeClock(SharedFakeClock, Clock):
    pass


class IdentityFakes:
    """Every port faked, and the use cases built on them, as the composition root would."""

    RESET_VALID_FOR = timedelta(minutes=60)

    def __init__(self) -> None:
        self.uow = FakeUnitOfWork()
        self.accounts = InMemoryAccounts()
        self.resets = InMemoryResets()
        self.hasher = PlainTextHasher()
        self.policy = MinimumLengthPolicy()
        self.tokens = CountingTokens()
        self.sessions = RecordingSessions()
        self.clock = FakeClock()

    def new_uow(self) -> FakeUnitOfWork:
        return self.uow

    def use_cases(self) -> IdentityUseCases:
        return IdentityUseCases(
            register_user=RegisterUser(
                new_uow=self.new_uow,
                accounts=self.accounts,
                hasher=self.hasher,
                policy=self.policy,
                clock=self.clock,
            ),
            get_account=GetAccount(accounts=self.accounts),
            change_profile=ChangeProfile(new_uow=self.new_uow, accounts=self.accounts),
            change_password=ChangePassword(
                new_uow=self.new_uow,
                accounts=self.accounts,
                hasher=self.hasher,
                policy=self.policy,
                sessions=self.sessions,
            ),
            change_staff_status=ChangeStaffStatus(new_uow=self.new_uow, accounts=self.accounts),
            deactivate_account=DeactivateAccount(
                new_uow=self.new_uow, accounts=self.accounts, sessions=self.sessions
            ),
            request_password_reset=RequestPasswordReset(
                new_uow=self.new_uow,
                accounts=self.accounts,
                resets=self.resets,
                tokens=self.tokens,
                clock=self.clock,
                valid_for=self.RESET_VALID_FOR,
            ),
            confirm_password_reset=ConfirmPasswordReset(
                new_uow=self.new_uow,
                accounts=self.accounts,
                resets=self.resets,
                hasher=self.hasher,
                policy=self.policy,
                sessions=self.sessions,
                clock=self.clock,
            ),
            sign_out=SignOut(sessions=self.sessions),
        )
