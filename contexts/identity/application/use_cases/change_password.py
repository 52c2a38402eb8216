from collections.abc import Callable

from contexts.identity.application.ports import (
    AccountRepository,
    PasswordHasher,
    PasswordPolicy,
    SessionRevoker,
)
from contexts.identity.domain.account import UserId
from contexts.identity.domain.errors import InvalidInput
from shared_kernel.application.unit_of_work import UnitOfWork


class WrongCurrentPassword(InvalidInput):
    title = "Current password is wrong"
    code = "wrong_current_password"

    def __init__(self) -> None:
        super().__init__("current_password", ["The current password is not correct."])


class ChangePassword:
    """A signed-in owner picks a new password; every other session is signed out."""

    def __init__(
        self,
        *,
        new_uow: Callable[[], UnitOfWork],
        accounts: AccountRepository,
        hasher: PasswordHasher,
        policy: PasswordPolicy,
        sessions: SessionRevoker,
    ) -> None:
        self._new_uow = new_uow
        self._accounts = accounts
        self._hasher = hasher
        self._policy = policy
        self._sessions = sessions

    def __call__(self, *, user_id: UserId, current_password: str, new_password: str) -> None:
        with self._new_uow():
            account = self._accounts.get(user_id)
            if not self._hasher.matches(current_password, account.password_hash):
                raise WrongCurrentPassword()
            self._policy.check(new_password, email=account.email.value, full_name=account.full_name)
            account.change_password(new_password_hash=self._hasher.hash(new_password))
            self._accounts.save(account)
            self._sessions.revoke_all(account.id)
