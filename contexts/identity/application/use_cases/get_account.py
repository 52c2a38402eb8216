from contexts.identity.application.ports import AccountRepository
from contexts.identity.domain.account import Account, UserId


class GetAccount:
    """Read one account (the `/me` profile). A query: no unit of work, nothing published."""

    def __init__(self, *, accounts: AccountRepository) -> None:
        self._accounts = accounts

    def __call__(self, *, user_id: UserId) -> Account:
        return self._accounts.get(user_id)
