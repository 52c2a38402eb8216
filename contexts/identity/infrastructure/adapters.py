"""Django-backed implementations of identity's service ports."""

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from contexts.identity.application.ports import Passwords, SessionRevoker
from contexts.identity.domain.account import UserId
from contexts.identity.domain.errors import WeakPassword
from contexts.identity.infrastructure.models import User
from shared_kernel.domain.errors import InvalidInput, PermissionDenied


class DjangoPasswords(Passwords):
    """Django's hashers (`PASSWORD_HASHERS`: Argon2 first) and `AUTH_PASSWORD_VALIDATORS`,
    the similarity check seeing the email and the name."""

    def hash(self, raw_password: str) -> str:
        return make_password(raw_password)

    def matches(self, raw_password: str, password_hash: str) -> bool:
        return check_password(raw_password, password_hash)

    def check(
        self, raw_password: str, *, email: str, full_name: str, field: str = "password"
    ) -> None:
        would_be_user = User(email=email, full_name=full_name)  # never saved: read by validators
        try:
            validate_password(raw_password, user=would_be_user)
        except ValidationError as exc:
            raise WeakPassword([str(m) for m in exc.messages], field=field) from exc


class SimpleJwtSessionRevoker(SessionRevoker):
    """Blacklist every refresh token still outstanding for the account."""

    def revoke_all(self, user_id: UserId) -> None:
        outstanding = OutstandingToken.objects.filter(
            user_id=user_id, expires_at__gt=timezone.now()
        ).exclude(blacklistedtoken__isnull=False)
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
        )

    def revoke(self, refresh_token: str, *, owner: UserId) -> None:
        try:
            token = RefreshToken(refresh_token)  # type: ignore[arg-type]
        except TokenError as exc:
            raise InvalidInput("refresh", [str(exc.args[0])]) from exc
        if str(token.payload.get(jwt_settings.USER_ID_CLAIM)) != str(owner):
            raise PermissionDenied("This refresh token belongs to another account.")
        token.blacklist()
