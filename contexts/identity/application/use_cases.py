"""Identity's use cases: each a frozen dataclass of the ports it needs, called with the
command's fields. Load, call the domain, save; the unit of work publishes what the
aggregates raised (ARCHITECTURE.md §2). `services.compose_use_cases` builds them all."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from contexts.identity.application.ports import (
    AccountRepository,
    PasswordResetRepository,
    Passwords,
    SessionRevoker,
)
from contexts.identity.domain.account import Account, FullName, UserId
from contexts.identity.domain.email import EmailAddress
from contexts.identity.domain.errors import (
    EmailAlreadyRegistered,
    InvalidEmailAddress,
    ResetTokenInvalid,
)
from contexts.identity.domain.password_reset import (
    PasswordReset,
    PasswordResetId,
    digest_reset_token,
    new_reset_token,
)
from shared_kernel.application.clock import Clock
from shared_kernel.application.unit_of_work import UnitOfWork
from shared_kernel.domain.errors import InvalidInput

NewUnitOfWork = Callable[[], UnitOfWork]


class WrongCurrentPassword(InvalidInput):
    title = "Current password is wrong"
    code = "wrong_current_password"

    def __init__(self) -> None:
        super().__init__("current_password", ["The current password is not correct."])


@dataclass(frozen=True, kw_only=True, slots=True)
class RegisterUser:
    """Open a customer account; it announces itself (`UserRegistered`) as it commits."""

    uow: NewUnitOfWork
    accounts: AccountRepository
    passwords: Passwords
    clock: Clock

    def __call__(self, *, email: str, password: str, full_name: str = "") -> Account:
        address, name = EmailAddress(email), FullName(full_name)
        self.passwords.check(password, email=address.value, full_name=name.value)
        # Hashing is deliberately slow (Argon2): done before the transaction opens.
        password_hash = self.passwords.hash(password)
        with self.uow():
            if self.accounts.find_by_email(address) is not None:
                raise EmailAlreadyRegistered()
            account = Account.register(
                id=UserId.new(),
                email=address,
                full_name=name,
                password_hash=password_hash,
                joined_at=self.clock(),
            )
            self.accounts.add(account)
        return account


@dataclass(frozen=True, kw_only=True, slots=True)
class ChangeProfile:
    """The owner edits what is theirs to edit: the full name, nothing else."""

    uow: NewUnitOfWork
    accounts: AccountRepository

    def __call__(self, *, user_id: UserId, full_name: str) -> Account:
        with self.uow():
            account = self.accounts.get(user_id)
            account.change_profile(full_name=FullName(full_name))
            self.accounts.save(account)
        return account


@dataclass(frozen=True, kw_only=True, slots=True)
class ChangePassword:
    """A signed-in owner picks a new password; every session of the account ends."""

    uow: NewUnitOfWork
    accounts: AccountRepository
    passwords: Passwords
    sessions: SessionRevoker

    def __call__(self, *, user_id: UserId, current_password: str, new_password: str) -> None:
        with self.uow():
            account = self.accounts.get(user_id)
            if not self.passwords.matches(current_password, account.password_hash):
                raise WrongCurrentPassword()
            self.passwords.check(
                new_password,
                email=account.email.value,
                full_name=account.full_name,
                field="new_password",
            )
            account.change_password(new_password_hash=self.passwords.hash(new_password))
            self.accounts.save(account)
            self.sessions.revoke_all(account.id)


@dataclass(frozen=True, kw_only=True, slots=True)
class ChangeStaffStatus:
    """Staff grant or withdraw back-office rights (admin only; never through `/me`)."""

    uow: NewUnitOfWork
    accounts: AccountRepository

    def __call__(self, *, user_id: UserId, is_staff: bool) -> Account:
        with self.uow():
            account = self.accounts.get(user_id)
            if is_staff:
                account.grant_staff()
            else:
                account.revoke_staff()
            self.accounts.save(account)
        return account


@dataclass(frozen=True, kw_only=True, slots=True)
class DeactivateAccount:
    """Close an account (staff, from the admin): it can no longer sign in or refresh."""

    uow: NewUnitOfWork
    accounts: AccountRepository
    sessions: SessionRevoker

    def __call__(self, *, user_id: UserId) -> Account:
        with self.uow():
            account = self.accounts.get(user_id)
            account.deactivate()
            self.accounts.save(account)
            self.sessions.revoke_all(account.id)
        return account


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestPasswordReset:
    """Issue a reset token; the account announces it (`PasswordResetRequested`).

    An unknown, malformed or deactivated address does nothing at all and raises nothing:
    the caller must not be able to tell which addresses have accounts.

    At most `reset_live_limit()` links of one account work at once: issuing one more voids
    the oldest still live. The account is saved with the new token (its version moves), so
    two requests at once cannot both keep their tokens past the limit.
    """

    uow: NewUnitOfWork
    accounts: AccountRepository
    resets: PasswordResetRepository
    clock: Clock
    reset_valid_for: Callable[[], timedelta]
    reset_live_limit: Callable[[], int]

    def __call__(self, *, email: str) -> None:
        try:
            address = EmailAddress(email)
        except InvalidEmailAddress:
            return
        with self.uow():
            account = self.accounts.find_by_email(address)
            if account is None or not account.is_active:
                return
            raw_token = new_reset_token()
            now = self.clock()
            self.resets.void_oldest_live(
                account.id, keep=max(0, self.reset_live_limit() - 1), at=now
            )
            self.resets.add(
                PasswordReset.issue(
                    id=PasswordResetId.new(),
                    account=account,
                    raw_token=raw_token,
                    now=now,
                    valid_for=self.reset_valid_for(),
                )
            )
            account.request_password_reset(raw_token=raw_token)
            self.accounts.save(account)


@dataclass(frozen=True, kw_only=True, slots=True)
class ConfirmPasswordReset:
    """Spend a reset token on a new password: one transaction marks the token used,
    changes the password and signs out every session, or none of it happens."""

    uow: NewUnitOfWork
    accounts: AccountRepository
    resets: PasswordResetRepository
    passwords: Passwords
    sessions: SessionRevoker
    clock: Clock

    def __call__(self, *, token: str, password: str) -> None:
        with self.uow():
            reset = self.resets.find_by_digest_for_update(digest_reset_token(token))
            if reset is None:
                raise ResetTokenInvalid("This password-reset link is not valid.")
            account = self.accounts.get(reset.user_id)
            self.passwords.check(password, email=account.email.value, full_name=account.full_name)
            now = self.clock()
            reset.redeem(now=now)
            account.change_password(new_password_hash=self.passwords.hash(password))
            self.accounts.save(account)
            self.resets.save(reset)
            self.resets.void_unused(account.id, at=now)
            self.sessions.revoke_all(account.id)


@dataclass(frozen=True, kw_only=True, slots=True)
class SignOut:
    """End one session of the caller: its refresh token stops working (`/auth/logout`)."""

    sessions: SessionRevoker

    def __call__(self, *, user_id: UserId, refresh_token: str) -> None:
        self.sessions.revoke(refresh_token, owner=user_id)
