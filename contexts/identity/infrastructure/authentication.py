"""Bearer-token authentication that refuses a token issued at another auth version.

The platform's `JWTAuthentication` (simplejwt's, malformed claims answered 401) finds the
token's account and refuses a deactivated one; this adds the account's auth version (ADR
0018): a password change, a reset and deactivation bump it, so every access token issued
before stops working at once, without putting anything derived from the password in the
token (`CHECK_REVOKE_TOKEN` did). The account is loaded once either way: the check costs
no query.
"""

from typing import Any

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.tokens import Token

from contexts.identity.infrastructure.tokens import AUTH_VERSION_CLAIM
from shared_kernel.api.authentication import JWTAuthentication


class AccountJWTAuthentication(JWTAuthentication):
    def get_user(self, validated_token: Token) -> Any:
        user = super().get_user(validated_token)
        claimed = validated_token.get(AUTH_VERSION_CLAIM)
        if type(claimed) is not int or claimed != getattr(user, AUTH_VERSION_CLAIM):
            raise AuthenticationFailed(
                "This token is no longer valid: the account's password changed or it was "
                "deactivated since it was issued. Sign in again.",
                code="token_revoked",
            )
        return user


class AccountJWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme: simplejwt's bearer scheme (`jwtAuth`), unchanged."""

    target_class = "contexts.identity.infrastructure.authentication.AccountJWTAuthentication"
