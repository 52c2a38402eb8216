from collections.abc import Callable

from contexts.identity.application.ports import AccountRepository
from contexts.identity.domain.account import Account, UserId
from shared_kernel.application.unit_of_work import UnitOfWork


class ChangeStaffStatus:
    """Staff grant or withdraw back-office rights (admin only; never through `/me`)."""

    def __init__(self, *, new_uow: Callable[[], UnitOfWork], accounts: AccountRepository) -> None:
        self._new_uow = new_uow
        self._accounts = accounts

    def __call__(self, *, user_id: UserId, is_staff: bool) -> Account:
        with self._new_uow():
            account = self._accounts.get(user_id)
            if is_staff:
                account.grant_staff()
            else:
                account.revoke_staff()
            self._accounts.save(account)
        return account
