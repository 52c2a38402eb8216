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

A client sends the same access token with every call of its lifetime, and checking its
signature and claims costs more than the rest of the authentication (ADR 0022). So each
process remembers the tokens it verified: the same bytes verified again would give the
same answer but for their expiry, which is checked again on every call (an expired token
is verified afresh, to fail as before). Revocation does not live in the token: the
account's auth version is checked on every call by `get_user`. The memory is bounded
(forgotten whole when full) and forgotten when the JWT settings or the secret key change.
"""

import copy
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db.models import Field
from django.dispatch import receiver
from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import aware_utcnow

MALFORMED_CLAIMS = "Token has a malformed claim."
# What reading a claim of the wrong type or size raises in simplejwt and in a model field.
_MALFORMED = (TypeError, ValueError, OverflowError, ValidationError)


VERIFIED_TOKENS_REMEMBERED = 4096
_verified: dict[bytes, Token] = {}  # raw token -> the token verified from it


class JWTAuthentication(SimpleJWTAuthentication):
    def get_validated_token(self, raw_token: bytes) -> Token:
        remembered = _verified.get(raw_token)
        if remembered is not None and _unexpired(remembered):
            return _copy_of(remembered)
        try:
            token = super().get_validated_token(raw_token)
        except _MALFORMED as exc:
            raise InvalidToken(MALFORMED_CLAIMS) from exc
        if len(_verified) >= VERIFIED_TOKENS_REMEMBERED:
            _verified.clear()
        _verified[raw_token] = token
        return _copy_of(token)

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


def _unexpired(token: Token) -> bool:
    try:
        token.check_exp(current_time=aware_utcnow())
    except TokenError:
        return False
    return True


def _copy_of(token: Token) -> Token:
    """Each request its own token: one that changes a claim changes no other's."""
    mine = copy.copy(token)
    mine.payload = dict(token.payload)
    return mine


@receiver(setting_changed)
def _forget_verified_tokens(*, setting: str, **_: Any) -> None:
    if setting in ("SIMPLE_JWT", "SECRET_KEY"):
        _verified.clear()
