"""The account as Django stores it. Email is the login; it is kept trimmed and lower-cased."""

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(email=self.normalize_email_address(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

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
