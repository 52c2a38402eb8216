"""Bearer tokens: simplejwt's authentication, with malformed claims answered 401 (§5).

A token signed with the real key is trusted to be ours, not to be well formed: simplejwt
reads an `exp` sent as a string (`"1999999999"`, which PyJWT accepts) with
`datetime.fromtimestamp` and fails with `TypeError`; one far in the future overflows; a
`user_id` that is no UUID makes the user lookup raise Django's `ValidationError`. Each was
a 500 with a traceback (issue #14). Here each is simplejwt's own `InvalidToken`: a 401
problem with `WWW-Authenticate`, like a token that is expired or forged.

This class only turns those errors into 401s. What the token must carry, and what ends it
(the account's auth version, say), is identity's to decide: a subclass may extend
`get_user`, calling this one first.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Field
from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

MALFORMED_CLAIMS = "Token has a malformed claim."
# What reading a claim of the wrong type or size raises in simplejwt and in a model field.
_MALFORMED = (TypeError, ValueError, OverflowError, ValidationError)


class JWTAuthentication(SimpleJWTAuthentication):
    def get_validated_token(self, raw_token: bytes) -> Token:
        try:
            return super().get_validated_token(raw_token)
        except _MALFORMED as exc:
            raise InvalidToken(MALFORMED_CLAIMS) from exc

    def get_user(self, validated_token: Token) -> Any:
        user_id = validated_token.get(api_settings.USER_ID_CLAIM)
        if user_id is not None:
            field = get_user_model()._meta.get_field(api_settings.USER_ID_FIELD)
            assert isinstance(field, Field)  # the id field is a column, not a relation
            try:
                field.to_python(user_id)
            except _MALFORMED as exc:
                raise InvalidToken(MALFORMED_CLAIMS) from exc
        return super().get_user(validated_token)
