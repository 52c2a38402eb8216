"""The repositories: accounts and password resets kept in Django's ORM."""

from datetime import datetime

from django.db import IntegrityError, transaction

from contexts.identity.application.ports import AccountRepository, PasswordResetRepository
from contexts.identity.domain.account import Account, FullName, UserId
from contexts.identity.domain.email import EmailAddress
from contexts.identity.domain.errors import AccountNotFound, EmailAlreadyRegistered
from contexts.identity.domain.password_reset import PasswordReset, PasswordResetId
from contexts.identity.infrastructure.models import PasswordResetToken, User
from shared_kernel.application.unit_of_work import track
from shared_kernel.infrastructure import versioning

_EMAIL_CONSTRAINTS = ("identity_user_email_ci_unique", "identity_user_email_key", "user.email")


class DjangoAccountRepository(AccountRepository):
    def get(self, user_id: UserId) -> Account:
        try:
            return _loaded(User.objects.get(pk=user_id))
        except User.DoesNotExist:
            raise AccountNotFound(f"No account with id {user_id}.") from None

    def find_by_email(self, email: EmailAddress) -> Account | None:
        row = User.objects.with_email(email.value).first()
        return _loaded(row) if row is not None else None

    def add(self, account: Account) -> None:
        """The unique index on lower(email) is the last word: a concurrent registration
        of the same address in another case fails here even after the existence check."""
        try:
            with transaction.atomic():
                versioning.insert(
                    User,
                    account,
                    id=account.id,
                    email=account.email.value,
                    full_name=account.full_name,
                    password=account.password_hash,
                    is_active=account.is_active,
                    is_staff=account.is_staff,
                    date_joined=account.date_joined,
                    auth_version=account.auth_version,
                )
        except IntegrityError as exc:
            if any(name in str(exc) for name in _EMAIL_CONSTRAINTS):
                raise EmailAlreadyRegistered() from exc
            raise

    def save(self, account: Account) -> None:
        versioning.update(
            User,
            account,
            full_name=account.full_name,
            password=account.password_hash,
            is_active=account.is_active,
            is_staff=account.is_staff,
            auth_version=account.auth_version,
        )


class DjangoPasswordResetRepository(PasswordResetRepository):
    def add(self, reset: PasswordReset) -> None:
        PasswordResetToken.objects.create(
            id=reset.id,
            user_id=reset.user_id,
            token_digest=reset.token_digest,
            created_at=reset.created_at,
            expires_at=reset.expires_at,
            used_at=reset.used_at,
        )

    def find_by_digest_for_update(self, token_digest: str) -> PasswordReset | None:
        row = (
            PasswordResetToken.objects.select_for_update().filter(token_digest=token_digest).first()
        )
        return _to_reset(row) if row is not None else None

    def save(self, reset: PasswordReset) -> None:
        PasswordResetToken.objects.filter(pk=reset.id).update(used_at=reset.used_at)

    def void_unused(self, user_id: UserId, *, at: datetime) -> None:
        PasswordResetToken.objects.filter(user_id=user_id, used_at__isnull=True).update(used_at=at)

    def void_oldest_live(self, user_id: UserId, *, keep: int, at: datetime) -> None:
        live = PasswordResetToken.objects.filter(
            user_id=user_id, used_at__isnull=True, expires_at__gt=at
        ).order_by("-created_at")
        older = list(live.values_list("pk", flat=True)[keep:])
        if older:
            PasswordResetToken.objects.filter(pk__in=older).update(used_at=at)


def _loaded(row: User) -> Account:
    account = Account(
        id=UserId(row.id),
        email=EmailAddress.stored(row.email),
        full_name=FullName(row.full_name),
        password_hash=row.password,
        is_active=row.is_active,
        is_staff=row.is_staff,
        date_joined=row.date_joined,
        auth_version=row.auth_version,
        version=row.version,
    )
    track(account)
    return account


def _to_reset(row: PasswordResetToken) -> PasswordReset:
    return PasswordReset(
        id=PasswordResetId(row.id),
        user_id=UserId(row.user_id),
        token_digest=row.token_digest,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
    )
