"""POST /api/v1/auth/token, /auth/token/refresh and /auth/logout."""

from datetime import timedelta

import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from tests.identity.helpers import bearer, field_errors, problem
from tests.support.factories import DEFAULT_PASSWORD, UserFactory

TOKEN = "/api/v1/auth/token"
REFRESH = "/api/v1/auth/token/refresh"
LOGOUT = "/api/v1/auth/logout"

pytestmark = pytest.mark.django_db


def sign_in(api, email="ann@example.com", password=DEFAULT_PASSWORD) -> dict[str, str]:
    response = api.post(TOKEN, {"email": email, "password": password})
    assert response.status_code == 200, response.content
    tokens: dict[str, str] = response.json()
    return tokens


def is_blacklisted(refresh: str) -> bool:
    jti = RefreshToken(refresh, verify=False)["jti"]  # type: ignore[arg-type]
    return BlacklistedToken.objects.filter(token__jti=jti).exists()


class TestSignIn:
    def test_gives_an_access_and_a_refresh_token_for_the_account(self, api, user):
        tokens = sign_in(api)

        assert set(tokens) == {"access", "refresh"}
        assert AccessToken(tokens["access"])["user_id"] == str(user.pk)
        assert OutstandingToken.objects.filter(user=user).count() == 1
        user.refresh_from_db()
        assert user.last_login is not None

    def test_the_access_token_opens_protected_routes(self, api, user):
        bearer(api, sign_in(api)["access"])
        assert api.get("/api/v1/me").json()["email"] == "ann@example.com"

    def test_the_email_matches_in_any_case(self, api, user):
        assert set(sign_in(api, email=" ANN@Example.com ")) == {"access", "refresh"}

    def test_a_wrong_password_is_401_and_gives_no_token(self, api, user):
        response = api.post(TOKEN, {"email": "ann@example.com", "password": "wrong-password"})
        body = problem(response, 401)
        assert "access" not in body
        assert OutstandingToken.objects.count() == 0

    def test_an_unknown_email_is_the_same_401(self, api, user):
        response = api.post(TOKEN, {"email": "bob@example.com", "password": DEFAULT_PASSWORD})
        assert problem(response, 401)["detail"] == (
            "No active account found with the given credentials"
        )

    def test_a_deactivated_account_cannot_sign_in(self, api):
        UserFactory(email="ann@example.com", is_active=False)
        problem(api.post(TOKEN, {"email": "ann@example.com", "password": DEFAULT_PASSWORD}), 401)

    def test_missing_credentials_are_a_validation_error(self, api):
        assert set(field_errors(api.post(TOKEN, {}))) == {"email", "password"}


class TestRefresh:
    def test_rotates_the_pair_and_blacklists_the_old_refresh_token(self, api, user):
        old = sign_in(api)

        response = api.post(REFRESH, {"refresh": old["refresh"]})

        assert response.status_code == 200, response.content
        new = response.json()
        assert set(new) == {"access", "refresh"}
        assert new["refresh"] != old["refresh"]
        assert AccessToken(new["access"])["user_id"] == str(user.pk)
        assert is_blacklisted(old["refresh"])
        assert not is_blacklisted(new["refresh"])

    def test_a_refresh_token_reused_after_rotation_is_401(self, api, user):
        old = sign_in(api)
        api.post(REFRESH, {"refresh": old["refresh"]})

        body = problem(api.post(REFRESH, {"refresh": old["refresh"]}), 401)

        assert "already used" in body["detail"]

    def test_an_expired_refresh_token_is_401(self, api, user):
        token = RefreshToken.for_user(user)
        token.set_exp(lifetime=-timedelta(seconds=1))

        body = problem(api.post(REFRESH, {"refresh": str(token)}), 401)

        assert "expired" in body["detail"]

    @pytest.mark.parametrize("refresh", ["garbage", "a.b.c"])
    def test_a_malformed_token_is_401(self, api, refresh):
        problem(api.post(REFRESH, {"refresh": refresh}), 401)

    def test_an_access_token_is_not_a_refresh_token(self, api, user):
        problem(api.post(REFRESH, {"refresh": sign_in(api)["access"]}), 401)

    def test_a_bad_access_token_in_the_header_is_401_and_spends_nothing(self, api, user):
        tokens = sign_in(api)
        api.credentials(HTTP_AUTHORIZATION="Bearer expired.or.bad")
        problem(api.post(REFRESH, {"refresh": tokens["refresh"]}), 401)
        api.credentials()
        assert api.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 200

    def test_a_deactivated_account_cannot_refresh(self, api, user):
        tokens = sign_in(api)
        user.is_active = False
        user.save()
        problem(api.post(REFRESH, {"refresh": tokens["refresh"]}), 401)


class TestLogout:
    def test_blacklists_the_refresh_token(self, api, user):
        tokens = sign_in(api)
        bearer(api, tokens["access"])

        response = api.post(LOGOUT, {"refresh": tokens["refresh"]})

        assert response.status_code == 204
        assert response.content == b""
        assert is_blacklisted(tokens["refresh"])
        problem(api.post(REFRESH, {"refresh": tokens["refresh"]}), 401)

    def test_needs_a_signed_in_caller(self, api, user):
        tokens = sign_in(api)

        response = api.post(LOGOUT, {"refresh": tokens["refresh"]})

        problem(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert not is_blacklisted(tokens["refresh"])

    def test_another_accounts_token_is_403_and_stays_valid(self, api, user):
        theirs = sign_in(api)
        UserFactory(email="bob@example.com")
        bearer(api, sign_in(api, email="bob@example.com")["access"])

        body = problem(api.post(LOGOUT, {"refresh": theirs["refresh"]}), 403)

        assert "another account" in body["detail"]
        assert not is_blacklisted(theirs["refresh"])

    def test_an_invalid_or_already_blacklisted_token_is_a_validation_error(self, api, user):
        tokens = sign_in(api)
        bearer(api, tokens["access"])
        assert api.post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 204

        assert list(field_errors(api.post(LOGOUT, {"refresh": tokens["refresh"]}))) == ["refresh"]
        assert list(field_errors(api.post(LOGOUT, {"refresh": "garbage"}))) == ["refresh"]

    def test_a_bad_bearer_token_is_401(self, api, user):
        api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
        problem(api.post(LOGOUT, {"refresh": "whatever"}), 401)
