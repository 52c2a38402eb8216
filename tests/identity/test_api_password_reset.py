"""POST /api/v1/auth/password-reset and /auth/password-reset/confirm."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from contexts.identity.domain.password_reset import digest_reset_token
from contexts.identity.models import PasswordResetToken
from shared_kernel.messaging.models import OutboxEvent
from shared_kernel.messaging.testing import deliver_pending
from tests.identity.helpers import field_errors, problem, session_of
from tests.identity.mailbox import MAILBOX
from tests.support.factories import DEFAULT_PASSWORD, UserFactory

REQUEST = "/api/v1/auth/password-reset"
CONFIRM = "/api/v1/auth/password-reset/confirm"
NEW_PASSWORD = "a-brand-new-secret"

pytestmark = pytest.mark.django_db


def raw_token_sent_to(email: str) -> str:
    """The token the email would carry, as the notifications context gets it (the outbox
    holds it only sealed, then scrubbed: ADR 0016).

    The request only notes the ask; identity's subscriber issues the token (ADR 0019), here
    run at once as a worker would."""
    deliver_pending()
    return MAILBOX.token_for(email)


class TestRequest:
    def test_known_email_is_202_and_issues_a_token_kept_only_as_a_digest(self, api, user):
        response = api.post(REQUEST, {"email": " ANN@example.com"})

        assert response.status_code == 202
        assert response.content == b""
        raw = raw_token_sent_to("ann@example.com")
        stored = PasswordResetToken.objects.get(user=user)
        assert stored.token_digest == digest_reset_token(raw)
        assert raw not in stored.token_digest
        assert stored.used_at is None
        lifetime = stored.expires_at - stored.created_at
        assert lifetime == timedelta(minutes=60)

    @pytest.mark.parametrize("email", ["nobody@example.com", "inactive@example.com"])
    def test_unknown_or_inactive_email_is_the_same_202_with_no_trace(self, api, user, email):
        UserFactory(email="inactive@example.com", is_active=False)
        known = api.post(REQUEST, {"email": "ann@example.com"})
        deliver_pending()
        PasswordResetToken.objects.all().delete()
        OutboxEvent.objects.all().delete()

        response = api.post(REQUEST, {"email": email})
        deliver_pending()

        assert response.status_code == known.status_code == 202
        assert response.content == known.content
        assert PasswordResetToken.objects.count() == 0
        # Only the ask itself, as for any address (ADR 0019): no reset was announced.
        assert list(OutboxEvent.objects.values_list("event_type", flat=True)) == [
            "PasswordResetAsked"
        ]

    def test_a_malformed_email_is_a_validation_error(self, api):
        assert list(field_errors(api.post(REQUEST, {"email": "nope"}))) == ["email"]


class TestConfirm:
    @pytest.fixture
    def token(self, api, user) -> str:
        assert api.post(REQUEST, {"email": "ann@example.com"}).status_code == 202
        return raw_token_sent_to("ann@example.com")

    def test_sets_the_new_password_and_spends_the_token(self, api, user, token):
        response = api.post(CONFIRM, {"token": token, "password": NEW_PASSWORD})

        assert response.status_code == 204
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        assert not user.check_password(DEFAULT_PASSWORD)
        assert PasswordResetToken.objects.get().used_at is not None
        signed_in = api.post("/api/v1/auth/token", {"email": user.email, "password": NEW_PASSWORD})
        assert signed_in.status_code == 200

    def test_signs_out_every_session(self, api, user, token):
        session = session_of(user).refresh

        api.post(CONFIRM, {"token": token, "password": NEW_PASSWORD})

        jti = RefreshToken(session, verify=False)["jti"]
        outstanding = OutstandingToken.objects.get(jti=jti)
        assert BlacklistedToken.objects.filter(token=outstanding).exists()
        problem(api.post("/api/v1/auth/token/refresh", {"refresh": session}), 401)

    def test_an_access_token_issued_before_the_reset_stops_working(self, api, user, token):
        access = session_of(user).access
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
        assert api.get("/api/v1/me").status_code == 200
        api.credentials()

        api.post(CONFIRM, {"token": token, "password": NEW_PASSWORD})

        api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
        problem(api.get("/api/v1/me"), 401)

    def test_a_reset_voids_the_older_links_still_unused(self, api, user, token):
        api.post(REQUEST, {"email": user.email})
        deliver_pending()
        newer_token = raw_token_sent_to(user.email)
        assert newer_token != token

        assert (
            api.post(CONFIRM, {"token": newer_token, "password": NEW_PASSWORD}).status_code == 204
        )

        problem(api.post(CONFIRM, {"token": token, "password": "yet-another-secret"}), 400)
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        assert not PasswordResetToken.objects.filter(used_at__isnull=True).exists()

    def test_a_token_used_twice_is_refused_the_second_time(self, api, user, token):
        assert api.post(CONFIRM, {"token": token, "password": NEW_PASSWORD}).status_code == 204

        body = problem(api.post(CONFIRM, {"token": token, "password": "yet-another-secret"}), 400)

        assert "already been used" in body["detail"]
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)

    def test_an_expired_token_is_refused(self, api, user, token):
        PasswordResetToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

        body = problem(api.post(CONFIRM, {"token": token, "password": NEW_PASSWORD}), 400)

        assert "expired" in body["detail"]
        user.refresh_from_db()
        assert user.check_password(DEFAULT_PASSWORD)
        assert PasswordResetToken.objects.get().used_at is None

    def test_an_unknown_token_is_refused(self, api, user, token):
        body = problem(api.post(CONFIRM, {"token": "guessed", "password": NEW_PASSWORD}), 400)
        assert "not valid" in body["detail"]

    def test_a_weak_password_is_refused_and_the_token_stays_usable(self, api, user, token):
        errors = field_errors(api.post(CONFIRM, {"token": token, "password": "123"}))

        assert list(errors) == ["password"]
        assert PasswordResetToken.objects.get().used_at is None
        assert api.post(CONFIRM, {"token": token, "password": NEW_PASSWORD}).status_code == 204

    def test_missing_fields_are_named(self, api):
        assert set(field_errors(api.post(CONFIRM, {}))) == {"token", "password"}
