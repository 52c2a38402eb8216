"""The account as Django stores it. Email is the login; it is kept trimmed and lower-cased."""

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from contexts.identity.application.services import identity_use_cases
from shared_kernel.domain.errors import DomainError


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(email=self.normalize_email_address(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        """`createsuperuser`: registered through identity's use case, so the account obeys
        the same rules and announces itself (`UserRegistered`), then made staff, and given
        Django's superuser flag (a back-office permission, not an identity rule)."""
        use_cases = identity_use_cases()
        if not password:
            raise ValidationError("A password is needed (DJANGO_SUPERUSER_PASSWORD).")
        try:
            account = use_cases.register_user(
                email=email, password=password, full_name=fields.get("full_name", "")
            )
            use_cases.change_staff_status(user_id=account.id, is_staff=True)
        except DomainError as refused:
            raise ValidationError(refused.detail) from refused
        self.filter(pk=account.id).update(is_superuser=True)
        return self.get(pk=account.id)

    @staticmethod
    def normalize_email_address(email: str) -> str:
        return email.strip().lower()

    def with_email(self, email: str) -> "models.QuerySet[User]":
        """Accounts holding this address in any case; uses the unique index on lower(email)."""
        return self.alias(email_lower=Lower("email")).filter(
            email_lower=self.normalize_email_address(email)
        )

    def get_by_natural_key(self, username: str | None) -> "User":
        """Sign-in (tokens, admin) finds `Ann@Example.com ` as `ann@example.com`."""
        return self.with_email(username or "").get()


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField(max_length=200, blank=True, default="")
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # The Account aggregate's version: saves are `UPDATE … WHERE version = <loaded>`.
    version = models.PositiveIntegerField(default=1)
    # The account's auth version: bumped by a password change, a reset and deactivation.
    # Session tokens carry it (`auth_version` claim) and are refused once it moved on.
    auth_version = models.PositiveIntegerField(default=1)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        db_table = "identity_user"
        ordering = ("-date_joined",)
        constraints = (
            models.UniqueConstraint(Lower("email"), name="identity_user_email_ci_unique"),
        )

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = UserManager.normalize_email_address(self.email)


class PasswordResetToken(models.Model):
    """A password reset as stored: only the token's SHA-256 digest, never the token."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_resets")
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "identity_password_reset_token"
        ordering = ("-created_at",)
        indexes = (models.Index(fields=("user", "-created_at"), name="identity_reset_user_idx"),)

    def __str__(self) -> str:
        return f"password reset {self.id} for {self.user_id}"


class RefreshTokenFamily(models.Model):
    """The chain of refresh tokens one sign-in gave out, each traded for the next (ADR 0018).

    Only `current`, the newest, may be traded; presenting an older one of the chain is a
    replay: the family is revoked, `current` blacklisted. Rotations and revocations of a
    family hold a lock on its row. The family goes with its newest token when
    `flushexpiredtokens` deletes that token, expired: every token of the chain is by then.
    """

    id = models.UUIDField(primary_key=True, editable=False)  # the tokens' `family` claim
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    current = models.OneToOneField(OutstandingToken, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "identity_refresh_token_family"

    def __str__(self) -> str:
        return f"refresh token family {self.id} of {self.user_id}"
