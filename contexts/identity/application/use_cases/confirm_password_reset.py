from collections.abc import Callable

from contexts.identity.application.ports import (
    AccountRepository,
    Clock,
    PasswordHasher,
    PasswordPolicy,
    PasswordResetRepository,
    SessionRevoker,
)
from contexts.identity.domain.errors import ResetTokenInvalid
from contexts.identity.domain.password_reset import digest_reset_token
from shared_kernel.application.unit_of_work import UnitOfWork


class ConfirmPasswordReset:
    """Spend a reset token on a new password: one transaction marks the token used,
    changes the password and signs out every session, or none of it happens."""

    def __init__(
        self,
        *,
        new_uow: Callable[[], UnitOfWork],
        accounts: AccountRepository,
        resets: PasswordResetRepository,
        hasher: PasswordHasher,
        policy: PasswordPolicy,
        sessions: SessionRevoker,
        clock: Clock,
    ) -> None:
        self._new_uow = new_uow
        self._accounts = accounts
        self._resets = resets
        self._hasher = hasher
        self._policy = policy
        self._sessions = sessions
        self._clock = clock

    def __call__(self, *, token: str, password: str) -> None:
        with self._new_uow():
            reset = self._resets.find_by_digest_for_update(digest_reset_token(token))
            if reset is None:
                raise ResetTokenInvalid("This password-reset link is not valid.")
            account = self._accounts.get(reset.user_id)
            self._policy.check(password, email=account.email.value, full_name=account.full_name)
            now = self._clock.now()
            reset.redeem(now=now)
            account.change_password(new_password_hash=self._hasher.hash(password))
            self._accounts.save(account)
            self._resets.save(reset)
            self._resets.void_unused(account.id, at=now)
            self._sessions.revoke_all(account.id)
