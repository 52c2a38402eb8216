"""Session tokens on simplejwt: the account's auth version in every token, refresh tokens
in families, and a replayed refresh token revoking its family (ADR 0018).

Claims: `user_id`, `auth_version` (the account's, when the token was issued) in access and
refresh tokens; `family` (one per sign-in, copied on every rotation) in refresh tokens
only. Nothing derived from the password is in a token.

A refresh trades the family's newest token (`RefreshTokenFamily.current`) for a new pair,
under a lock on the family's row. Any other token of the family is one that was traded
already: presenting it revokes the family (its newest token is blacklisted, the family
marked revoked so nothing it issues later works either) and is logged as a security event.
Two refreshes of one token at once are serialized by that lock: the first trades it, the
second finds it traded, so the family ends; the client signs in again (stated in ADR 0018).
"""

import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from django.db import transaction
from django.utils import timezone
from prometheus_client import Counter
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from contexts.identity.application.ports import (
    RefreshTokenRefused,
    RefreshTokenReused,
    SessionTokens,
    TokenPair,
)
from contexts.identity.domain.account import UserId
from contexts.identity.infrastructure.models import RefreshTokenFamily, User

AUTH_VERSION_CLAIM = "auth_version"
FAMILY_CLAIM = "family"

security_log = structlog.get_logger("security")

REFRESH_TOKEN_REUSE = Counter(
    "emporium_identity_refresh_token_reuse_total",
    "Refresh tokens presented again after they were traded: each revoked its family.",
)


class SessionRefreshToken(RefreshToken):
    """A refresh token of a family; the access tokens made from it do not carry `family`."""

    # simplejwt types the tuple with its own five claims' length.
    no_copy_claims = (*RefreshToken.no_copy_claims, FAMILY_CLAIM)  # type: ignore[assignment]


class _PresentedRefreshToken(SessionRefreshToken):
    """A refresh token as a client presents it: signature, expiry, type and id verified on
    decoding; whether it is spent is decided by `SimpleJwtSessionTokens.refresh`, under the
    family's lock, where a spent token of a family means a replay, not just a refusal."""

    def check_blacklist(self) -> None:
        """Checked under the family's lock instead (see the class)."""


@dataclass(frozen=True, slots=True)
class _Claims:
    user_id: uuid.UUID
    family: uuid.UUID
    auth_version: int
    jti: str


@dataclass(frozen=True, slots=True)
class _Replay:
    user_id: uuid.UUID
    family: uuid.UUID
    revoked_now: bool


class SimpleJwtSessionTokens(SessionTokens):
    def open(self, user_id: UserId) -> TokenPair:
        with transaction.atomic():
            user = User.objects.only("id", "auth_version").get(pk=user_id)
            family = uuid.uuid4()
            refresh = _new_refresh_token(
                user_id=user.pk, auth_version=user.auth_version, family=family
            )
            RefreshTokenFamily.objects.create(
                id=family,
                user_id=user.pk,
                current=_outstand(refresh, user.pk),
                created_at=refresh.current_time,
            )
        return _pair(refresh)

    def refresh(self, refresh_token: str) -> TokenPair:
        claims = _claims(_decoded(refresh_token))
        traded = self._trade(claims)
        if isinstance(traded, TokenPair):
            return traded
        REFRESH_TOKEN_REUSE.inc()
        security_log.warning(
            "refresh_token_reused",
            user_id=str(traded.user_id),
            family=str(traded.family),
            family_revoked_now=traded.revoked_now,
        )
        raise RefreshTokenReused()

    def _trade(self, claims: _Claims) -> TokenPair | _Replay:
        """One transaction, holding the family's row lock: the replay's revocation commits
        (the caller raises after it), a refusal writes nothing."""
        with transaction.atomic():
            family = (
                RefreshTokenFamily.objects.select_for_update()
                .filter(pk=claims.family, user_id=claims.user_id)
                .first()
            )
            if family is None:  # gone with its expired tokens, or never ours
                raise RefreshTokenRefused("Token is invalid")
            current_jti = OutstandingToken.objects.values_list("jti", flat=True).get(
                pk=family.current_id
            )
            if claims.jti != current_jti:
                return _revoked(family, claims)
            if family.revoked_at is not None:
                raise RefreshTokenRefused("Token is blacklisted")
            account = User.objects.only("id", "is_active", "auth_version").get(pk=claims.user_id)
            if not jwt_settings.USER_AUTHENTICATION_RULE(account):
                raise RefreshTokenRefused("No active account found for the given token.")
            if claims.auth_version != account.auth_version:
                raise RefreshTokenRefused(
                    "This token is no longer valid: the account's password changed or it was "
                    "deactivated since it was issued. Sign in again."
                )
            # Signed out (logout, a password change) meanwhile: the blacklist has the row.
            _, spent_now = BlacklistedToken.objects.get_or_create(token_id=family.current_id)
            if not spent_now:
                raise RefreshTokenRefused("Token is blacklisted")
            successor = _new_refresh_token(
                user_id=account.pk, auth_version=account.auth_version, family=family.id
            )
            family.current = _outstand(successor, account.pk)
            family.save(update_fields=["current"])
        return _pair(successor)


def _revoked(family: RefreshTokenFamily, claims: _Claims) -> _Replay:
    """A token of the family that was traded already: end the family (once)."""
    revoked_now = family.revoked_at is None
    if revoked_now:
        family.revoked_at = timezone.now()
        family.save(update_fields=["revoked_at"])
        BlacklistedToken.objects.get_or_create(token_id=family.current_id)
    return _Replay(user_id=claims.user_id, family=claims.family, revoked_now=revoked_now)


def _decoded(refresh_token: str) -> _PresentedRefreshToken:
    try:
        return _PresentedRefreshToken(refresh_token)  # type: ignore[arg-type]
    except TokenError as exc:
        raise RefreshTokenRefused(str(exc.args[0])) from exc
    except (TypeError, ValueError, OverflowError) as exc:  # a claim of the wrong type (`exp`)
        raise RefreshTokenRefused("Token is invalid") from exc


def _claims(token: RefreshToken) -> _Claims:
    """The claims a session's refresh token carries; a token without them (one issued
    before families existed) cannot be traded: its holder signs in again."""
    try:
        auth_version = token[AUTH_VERSION_CLAIM]
        if type(auth_version) is not int:
            raise TypeError(AUTH_VERSION_CLAIM)
        return _Claims(
            user_id=uuid.UUID(str(token[jwt_settings.USER_ID_CLAIM])),
            family=uuid.UUID(str(token[FAMILY_CLAIM])),
            auth_version=auth_version,
            jti=str(token[jwt_settings.JTI_CLAIM]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RefreshTokenRefused("Token is invalid") from exc


def _new_refresh_token(*, user_id: Any, auth_version: int, family: uuid.UUID) -> RefreshToken:
    token = SessionRefreshToken()
    token[jwt_settings.USER_ID_CLAIM] = str(user_id)
    token[AUTH_VERSION_CLAIM] = auth_version
    token[FAMILY_CLAIM] = str(family)
    return token


def _outstand(token: RefreshToken, user_id: Any) -> OutstandingToken:
    """simplejwt's record of an issued refresh token (logout and revocation find it)."""
    return OutstandingToken.objects.create(
        user_id=user_id,
        jti=token[jwt_settings.JTI_CLAIM],
        token=str(token),
        created_at=token.current_time,
        expires_at=datetime_from_epoch(token["exp"]),
    )


def _pair(refresh: RefreshToken) -> TokenPair:
    return TokenPair(access=str(refresh.access_token), refresh=str(refresh))
