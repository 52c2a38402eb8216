from collections.abc import Callable

from contexts.identity.application.ports import AccountRepository
from contexts.identity.domain.account import Account, FullName, UserId
from shared_kernel.application.unit_of_work import UnitOfWork


class ChangeProfile:
    """The owner edits what is theirs to edit: the full name, nothing else."""

    def __init__(self, *, new_uow: Callable[[], UnitOfWork], accounts: AccountRepository) -> None:
        self._new_uow = new_uow
        self._accounts = accounts

    def __call__(self, *, user_id: UserId, full_name: str) -> Account:
        with self._new_uow():
            account = self._accounts.get(user_id)
            account.change_profile(full_name=FullName(full_name))
            self._accounts.save(account)
        return account
