from collections.abc import Callable

from contexts.identity.application.ports import (
    AccountRepository,
    Clock,
    PasswordHasher,
    PasswordPolicy,
)
from contexts.identity.contracts import UserRegistered
from contexts.identity.domain.account import Account, FullName, UserId
from contexts.identity.domain.email import EmailAddress
from contexts.identity.domain.errors import EmailAlreadyRegistered
from shared_kernel.application.unit_of_work import UnitOfWork


class RegisterUser:
    """Open a customer account and announce it (`UserRegistered`) in the same transaction."""

    def __init__(
        self,
        *,
        new_uow: Callable[[], UnitOfWork],
        accounts: AccountRepository,
        hasher: PasswordHasher,
        policy: PasswordPolicy,
        clock: Clock,
    ) -> None:
        self._new_uow = new_uow
        self._accounts = accounts
        self._hasher = hasher
        self._policy = policy
        self._clock = clock

    def __call__(self, *, email: str, password: str, full_name: str = "") -> Account:
        address = EmailAddress(email)
        name = FullName(full_name)
        self._policy.check(password, email=address.value, full_name=name.value)
        # Hashing is deliberately slow (Argon2): done before the transaction opens.
        password_hash = self._hasher.hash(password)
        with self._new_uow() as uow:
            if self._accounts.find_by_email(address) is not None:
                raise EmailAlreadyRegistered()
            account = Account.register(
                id=UserId.new(),
                email=address,
                full_name=name,
                password_hash=password_hash,
                joined_at=self._clock.now(),
            )
            self._accounts.add(account)
            uow.publish(
                UserRegistered(user_id=account.id, email=address.value, full_name=name.value),
                aggregate_id=str(account.id),
                sequence=1,
            )
        return account
