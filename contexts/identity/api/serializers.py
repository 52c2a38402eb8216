"""Identity's HTTP shapes: explicit fields in, explicit fields out."""

from typing import Any

from django.contrib.auth.models import update_last_login
from rest_framework import serializers
from rest_framework_simplejwt.serializers import TokenObtainSerializer
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from contexts.identity.application.services import identity_sessions
from contexts.identity.domain.account import FULL_NAME_MAX_LENGTH, UserId
from contexts.identity.domain.email import MAX_LENGTH as EMAIL_MAX_LENGTH
from shared_kernel.api.fields import StrictCharField

PASSWORD_MAX_LENGTH = 128


def _password_field() -> StrictCharField:
    # Spaces are part of a password: never trimmed, at registration, reset and sign-in alike.
    return StrictCharField(
        write_only=True,
        trim_whitespace=False,
        max_length=PASSWORD_MAX_LENGTH,
        style={"input_type": "password"},
    )


class UserSerializer(serializers.Serializer[Any]):
    """The user shape (`/me`, registration), rendered from the domain's Account."""

    id = serializers.UUIDField(read_only=True)
    email = serializers.EmailField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    is_staff = serializers.BooleanField(read_only=True)
    date_joined = serializers.DateTimeField(read_only=True)


class RegistrationSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=EMAIL_MAX_LENGTH)
    password = _password_field()
    full_name = StrictCharField(
        max_length=FULL_NAME_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class ProfileUpdateSerializer(serializers.Serializer[Any]):
    """Only `full_name` is the owner's to change; any other key sent is ignored."""

    full_name = StrictCharField(max_length=FULL_NAME_MAX_LENGTH, allow_blank=True)


class PasswordChangeSerializer(serializers.Serializer[Any]):
    current_password = _password_field()
    new_password = _password_field()


class TokenPairSerializer(serializers.Serializer[Any]):
    """A short-lived access token (`Authorization: Bearer …`) and a refresh token."""

    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)


class CredentialsSerializer(TokenObtainSerializer):
    """Sign-in credentials. The email is matched in any case, surrounding spaces ignored."""

    # simplejwt checks them (`authenticate`); the session's tokens come from identity's
    # `SessionTokens`: a new refresh-token family (ADR 0018).

    # simplejwt's own fields would take a number for a string and trim the password, so a
    # password registered with surrounding spaces could never sign in.

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.username_field] = StrictCharField(write_only=True)
        self.fields["password"] = StrictCharField(
            write_only=True, trim_whitespace=False, style={"input_type": "password"}
        )

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        super().validate(attrs)  # the credentials, and an active account (else 401)
        user: Any = self.user
        pair = identity_sessions().open(UserId(user.pk))
        if jwt_settings.UPDATE_LAST_LOGIN:
            update_last_login(type(user), user)
        return {"refresh": pair.refresh, "access": pair.access}


class RefreshSerializer(serializers.Serializer[Any]):
    """A refresh token, traded once for a new pair: it is blacklisted as it is used."""

    refresh = StrictCharField()  # traded by identity's `SessionTokens.refresh` (ADR 0018)


class LogoutSerializer(serializers.Serializer[Any]):
    refresh = StrictCharField(write_only=True)


class PasswordResetRequestSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=EMAIL_MAX_LENGTH)


class PasswordResetConfirmSerializer(serializers.Serializer[Any]):
    token = StrictCharField(write_only=True, max_length=200)
    password = _password_field()
