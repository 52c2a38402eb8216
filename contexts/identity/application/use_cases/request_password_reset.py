from collections.abc import Callable
from datetime import timedelta

from contexts.identity.application.ports import (
    AccountRepository,
    Clock,
    PasswordResetRepository,
    ResetTokenGenerator,
)
from contexts.identity.contracts import PasswordResetRequested
from contexts.identity.domain.email import EmailAddress
from contexts.identity.domain.errors import InvalidEmailAddress
from contexts.identity.domain.password_reset import PasswordReset, PasswordResetId
from shared_kernel.application.unit_of_work import UnitOfWork


class RequestPasswordReset:
    """Issue a reset token and announce it (`PasswordResetRequested`) for the email.

    An unknown, malformed or deactivated address does nothing at all and raises nothing:
    the caller must not be able to tell which addresses have accounts.
    """

    def __init__(
        self,
        *,
        new_uow: Callable[[], UnitOfWork],
        accounts: AccountRepository,
        resets: PasswordResetRepository,
        tokens: ResetTokenGenerator,
        clock: Clock,
        valid_for: timedelta,
    ) -> None:
        self._new_uow = new_uow
        self._accounts = accounts
        self._resets = resets
        self._tokens = tokens
        self._clock = clock
        self._valid_for = valid_for

    def __call__(self, *, email: str) -> None:
        try:
            address = EmailAddress(email)
        except InvalidEmailAddress:
            return
        with self._new_uow() as uow:
            account = self._accounts.find_by_email(address)
            if account is None or not account.is_active:
                return
            raw_token = self._tokens.new_token()
            reset = PasswordReset.issue(
                id=PasswordResetId.new(),
                account=account,
                raw_token=raw_token,
                now=self._clock.now(),
                valid_for=self._valid_for,
            )
            self._resets.add(reset)
            uow.publish(
                PasswordResetRequested(
                    user_id=account.id, email=account.email.value, reset_token=raw_token
                ),
                aggregate_id=str(account.id),
            )
