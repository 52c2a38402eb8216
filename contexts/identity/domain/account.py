"""The account: who may sign in, as whom, and with which rights."""

from dataclasses import dataclass
from datetime import datetime
from typing import Self

from contexts.identity.contracts import PasswordResetRequested, UserRegistered
from contexts.identity.domain.email import EmailAddress
from contexts.identity.domain.errors import AccountInactive, InvalidFullName
from shared_kernel.domain.aggregate import AggregateRoot
from shared_kernel.domain.ids import EntityId

FULL_NAME_MAX_LENGTH = 200


class UserId(EntityId):
    """An account's id; other contexts know it as `customer_id` or `user_id`."""


@dataclass(frozen=True, slots=True)
class FullName:
    """How the customer is addressed: trimmed, at most 200 characters, may be empty."""

    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            raise InvalidFullName("A full name must be text.")
        value = " ".join(self.value.split())
        if len(value) > FULL_NAME_MAX_LENGTH:
            raise InvalidFullName(
                f"Ensure this field has no more than {FULL_NAME_MAX_LENGTH} characters."
            )
        object.__setattr__(self, "value", value)

    def __str__(self) -> str:
        return self.value


class Account(AggregateRoot):
    """One person's account, a versioned aggregate. Its rules:

    - only an active account may change its profile or password, ask for a password
      reset, or be made staff;
    - a deactivated account stays deactivated (there is no reactivation door yet), and
      deactivating it again changes nothing;
    - the password is held only as a hash made by the passwords port;
    - its auth version counts the changes that end every session: a password change (a
      reset is one) and deactivation. Session tokens carry the version they were issued
      at; one that names another version is refused.
    """

    def __init__(
        self,
        *,
        id: UserId,
        email: EmailAddress,
        full_name: FullName,
        password_hash: str,
        is_active: bool,
        is_staff: bool,
        date_joined: datetime,
        auth_version: int = 1,
        version: int = 0,
    ) -> None:
        super().__init__(version=version)
        self.id = id
        self.email = email
        self._full_name = full_name
        self._password_hash = password_hash
        self._is_active = is_active
        self._is_staff = is_staff
        self.date_joined = date_joined
        self._auth_version = auth_version

    @classmethod
    def register(
        cls,
        *,
        id: UserId,
        email: EmailAddress,
        full_name: FullName,
        password_hash: str,
        joined_at: datetime,
    ) -> Self:
        """A new customer: active, not staff; it announces itself (`UserRegistered`)."""
        account = cls(
            id=id,
            email=email,
            full_name=full_name,
            password_hash=password_hash,
            is_active=True,
            is_staff=False,
            date_joined=joined_at,
        )
        account.record(UserRegistered(user_id=id, email=email.value, full_name=full_name.value))
        return account

    @property
    def full_name(self) -> str:
        return self._full_name.value

    @property
    def password_hash(self) -> str:
        return self._password_hash

    @property
    def is_active(self) -> bool:
        return self._is_active

    @property
    def is_staff(self) -> bool:
        return self._is_staff

    @property
    def auth_version(self) -> int:
        """The sessions' generation: tokens issued at another one are refused."""
        return self._auth_version

    def change_profile(self, *, full_name: FullName) -> None:
        self._require_active()
        self._full_name = full_name

    def change_password(self, *, new_password_hash: str) -> None:
        """A new password (chosen by the owner or through a reset) ends every session."""
        self._require_active()
        self._password_hash = new_password_hash
        self._auth_version += 1

    def request_password_reset(self, *, raw_token: str) -> None:
        """Announce a reset link for the owner's email (`PasswordResetRequested`)."""
        self._require_active()
        self.record(
            PasswordResetRequested(user_id=self.id, email=self.email.value, reset_token=raw_token)
        )

    def deactivate(self) -> None:
        """Close the account for sign-in, ending every session. Its data stays: orders
        still name it."""
        if not self._is_active:
            return
        self._is_active = False
        self._auth_version += 1

    def grant_staff(self) -> None:
        self._require_active()
        self._is_staff = True

    def revoke_staff(self) -> None:
        self._is_staff = False

    def _require_active(self) -> None:
        if not self._is_active:
            raise AccountInactive()
