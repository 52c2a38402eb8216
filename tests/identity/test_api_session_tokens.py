"""Session tokens over HTTP (ADR 0018): what a token carries, refresh-token families and
reuse detection, and the auth version ending every token of the account at once."""

import uuid
from datetime import timedelta
from typing import Any

import jwt
import pytest
from django.test import Client
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from contexts.identity.application.services import identity_use_cases
from contexts.identity.domain.account import UserId
from contexts.identity.domain.password_reset import digest_reset_token
from contexts.identity.infrastructure.adapters import SimpleJwtSessionRevoker
from contexts.identity.models import PasswordResetToken, RefreshTokenFamily, User
from tests.identity.helpers import bearer, problem
from tests.support.factories import DEFAULT_PASSWORD, StaffFactory

TOKEN = "/api/v1/auth/token"
REFRESH = "/api/v1/auth/token/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/me"
NEW_PASSWORD = "a-brand-new-secret"

pytestmark = pytest.mark.django_db


def sign_in(api: Any, password: str = DEFAULT_PASSWORD) -> dict[str, str]:
    response = api.post(TOKEN, {"email": "ann@example.com", "password": password})
    assert response.status_code == 200, response.content
    tokens: dict[str, str] = response.json()
    return tokens


def refresh(api: Any, token: str) -> Any:
    return api.post(REFRESH, {"refresh": token})


def rotated(api: Any, token: str) -> dict[str, str]:
    response = refresh(api, token)
    assert response.status_code == 200, response.content
    tokens: dict[str, str] = response.json()
    return tokens


def claims(token: str) -> dict[str, Any]:
    """What anyone holding the token can read in it."""
    payload: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return payload


def opens_me(api: Any, access: str) -> int:
    bearer(api, access)
    try:
        status: int = api.get(ME).status_code
    finally:
        api.credentials()
    return status


def reuse_events(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [
        r.msg
        for r in caplog.records
        if r.name == "security"
        and isinstance(r.msg, dict)
        and r.msg.get("event") == "refresh_token_reused"
    ]


class TestClaims:
    def test_no_token_carries_anything_derived_from_the_password(self, api, user):
        tokens = sign_in(api)
        tokens.update(rotated(api, tokens["refresh"]))

        for token in tokens.values():
            assert "hash_password" not in claims(token)

    def test_both_tokens_carry_the_accounts_auth_version(self, api, user):
        tokens = sign_in(api)

        assert claims(tokens["access"])["auth_version"] == 1
        assert claims(tokens["refresh"])["auth_version"] == 1

    def test_the_refresh_token_carries_its_family_the_access_token_does_not(self, api, user):
        tokens = sign_in(api)

        family = claims(tokens["refresh"])["family"]
        assert RefreshTokenFamily.objects.get(pk=uuid.UUID(family)).user_id == user.pk
        assert "family" not in claims(tokens["access"])

    def test_a_rotation_keeps_the_family_and_issues_a_new_token(self, api, user):
        first = sign_in(api)
        second = rotated(api, first["refresh"])

        assert claims(second["refresh"])["family"] == claims(first["refresh"])["family"]
        assert claims(second["refresh"])["jti"] != claims(first["refresh"])["jti"]

    def test_each_sign_in_starts_a_family_of_its_own(self, api, user):
        first, second = sign_in(api), sign_in(api)

        assert claims(first["refresh"])["family"] != claims(second["refresh"])["family"]

    def test_tokens_without_the_claims_are_refused(self, api, user):
        """simplejwt's own tokens (as issued before families): sign in again."""
        problem(refresh(api, str(RefreshToken.for_user(user))), 401)
        assert opens_me(api, str(AccessToken.for_user(user))) == 401


class TestReuseDetection:
    def test_replaying_a_rotated_refresh_token_revokes_its_successor(self, api, user, caplog):
        first = sign_in(api)
        second = rotated(api, first["refresh"])

        replay = problem(refresh(api, first["refresh"]), 401)

        assert "already used" in replay["detail"]
        assert "blacklisted" in problem(refresh(api, second["refresh"]), 401)["detail"]
        [event] = reuse_events(caplog)
        family = claims(first["refresh"])["family"]
        assert event["user_id"] == str(user.pk)
        assert event["family"] == family
        assert event["family_revoked_now"] is True
        assert event["level"] == "warning"
        logged = str(event)
        assert first["refresh"] not in logged
        assert second["refresh"] not in logged
        assert RefreshTokenFamily.objects.get(pk=family).revoked_at is not None

    def test_a_replay_from_deep_in_the_chain_revokes_the_newest(self, api, user):
        first = sign_in(api)
        newest = rotated(api, rotated(api, rotated(api, first["refresh"])["refresh"])["refresh"])

        problem(refresh(api, first["refresh"]), 401)

        problem(refresh(api, newest["refresh"]), 401)
        outstanding = OutstandingToken.objects.filter(user=user)
        assert outstanding.count() == 4
        assert BlacklistedToken.objects.filter(token__in=outstanding).count() == 4

    def test_every_replay_is_logged_the_family_revoked_once(self, api, user, caplog):
        first = sign_in(api)
        rotated(api, first["refresh"])

        problem(refresh(api, first["refresh"]), 401)
        problem(refresh(api, first["refresh"]), 401)

        assert [e["family_revoked_now"] for e in reuse_events(caplog)] == [True, False]

    def test_a_replay_ends_only_its_own_family(self, api, user):
        phone, laptop = sign_in(api), sign_in(api)
        rotated(api, phone["refresh"])

        problem(refresh(api, phone["refresh"]), 401)

        assert refresh(api, laptop["refresh"]).status_code == 200

    def test_the_successor_access_token_lives_out_its_minutes(self, api, user):
        """By design: access tokens are not looked up per request beyond the account; one
        issued to the replayed family works until it expires (`JWT_ACCESS_MINUTES`)."""
        first = sign_in(api)
        second = rotated(api, first["refresh"])
        problem(refresh(api, first["refresh"]), 401)

        assert opens_me(api, second["access"]) == 200

    def test_a_token_signed_out_by_logout_is_refused_without_a_reuse_event(self, api, user, caplog):
        tokens = sign_in(api)
        bearer(api, tokens["access"])
        assert api.post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 204
        api.credentials()

        assert "blacklisted" in problem(refresh(api, tokens["refresh"]), 401)["detail"]
        assert reuse_events(caplog) == []

    def test_logout_ends_the_refresh_token_not_the_access_token(self, api, user):
        """By design: a 15-minute access token outlives logout (docs/security.md)."""
        tokens = sign_in(api)
        bearer(api, tokens["access"])
        assert api.post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 204
        api.credentials()

        assert opens_me(api, tokens["access"]) == 200


class TestAuthVersion:
    """A password change, a reset and deactivation end every token of the account."""

    def test_a_password_change_ends_every_access_and_refresh_token(self, api, user):
        phone, laptop = sign_in(api), sign_in(api)
        bearer(api, phone["access"])

        changed = api.post(
            f"{ME}/password",
            {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
        )

        assert changed.status_code == 204, changed.content
        api.credentials()
        for session in (phone, laptop):
            assert opens_me(api, session["access"]) == 401
            problem(refresh(api, session["refresh"]), 401)
        user.refresh_from_db()
        assert user.auth_version == 2
        fresh = sign_in(api, password=NEW_PASSWORD)
        assert claims(fresh["access"])["auth_version"] == 2
        assert opens_me(api, fresh["access"]) == 200

    def test_a_refresh_token_the_blacklist_missed_is_refused_by_its_auth_version(
        self, api, user, monkeypatch
    ):
        """A token issued while the change committed escapes `revoke_all`'s sweep; the
        version it carries still ends it."""
        tokens = sign_in(api)
        monkeypatch.setattr(SimpleJwtSessionRevoker, "revoke_all", lambda self, user_id: None)
        identity_use_cases().change_password(
            user_id=UserId(user.pk), current_password=DEFAULT_PASSWORD, new_password=NEW_PASSWORD
        )

        body = problem(refresh(api, tokens["refresh"]), 401)

        assert "password changed" in body["detail"]
        assert opens_me(api, tokens["access"]) == 401

    def test_a_password_reset_ends_every_access_token(self, api, user):
        tokens = sign_in(api)
        reset_token = "a-reset-link-token-" + uuid.uuid4().hex
        now = timezone.now()
        PasswordResetToken.objects.create(
            user=user,
            token_digest=digest_reset_token(reset_token),
            created_at=now,
            expires_at=now + timedelta(minutes=5),
        )

        confirmed = api.post(
            "/api/v1/auth/password-reset/confirm",
            {"token": reset_token, "password": NEW_PASSWORD},
        )

        assert confirmed.status_code == 204, confirmed.content
        assert opens_me(api, tokens["access"]) == 401
        problem(refresh(api, tokens["refresh"]), 401)

    def test_deactivation_in_the_admin_ends_every_access_token(self, api, user):
        tokens = sign_in(api)
        admin = Client()
        admin.force_login(StaffFactory.create(email="boss@example.com", is_superuser=True))

        answer = admin.post(
            "/admin/identity/user/",
            {"action": "deactivate_accounts", "_selected_action": [str(user.pk)]},
        )

        assert answer.status_code == 302
        user.refresh_from_db()
        assert (user.is_active, user.auth_version) == (False, 2)
        assert opens_me(api, tokens["access"]) == 401
        problem(refresh(api, tokens["refresh"]), 401)

    def test_a_token_naming_another_auth_version_is_refused(self, api, user):
        tokens = sign_in(api)
        User.objects.filter(pk=user.pk).update(auth_version=2)

        body = problem(api.get(ME, HTTP_AUTHORIZATION=f"Bearer {tokens['access']}"), 401)

        assert "password changed" in body["detail"]
