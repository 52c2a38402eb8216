from collections.abc import Callable

from contexts.identity.application.ports import AccountRepository, SessionRevoker
from contexts.identity.domain.account import Account, UserId
from shared_kernel.application.unit_of_work import UnitOfWork


class DeactivateAccount:
    """Close an account (staff, from the admin): it can no longer sign in or refresh."""

    def __init__(
        self,
        *,
        new_uow: Callable[[], UnitOfWork],
        accounts: AccountRepository,
        sessions: SessionRevoker,
    ) -> None:
        self._new_uow = new_uow
        self._accounts = accounts
        self._sessions = sessions

    def __call__(self, *, user_id: UserId) -> Account:
        with self._new_uow():
            account = self._accounts.get(user_id)
            account.deactivate()
            self._accounts.save(account)
            self._sessions.revoke_all(account.id)
        return account
