"""Reported bugs, reproduced through the doors people use: `manage.py`, the API.

- An operator's account made by `createsuperuser --noinput` with an address Django accepts
  (`admin@localhost`) could sign in but got a 400 from `/me`: loading the account
  validated the stored address again, more strictly than when it was stored. And the
  command bypassed registration, so no `UserRegistered` was announced for it.
- The password-reset token's lifetime was read once at startup: a changed
  `PASSWORD_RESET_TOKEN_TTL_MINUTES` did not apply until a restart.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from contexts.identity.models import PasswordResetToken, User
from shared_kernel.messaging.models import OutboxEvent
from shared_kernel.messaging.testing import deliver_pending
from tests.identity.helpers import bearer

OPERATOR_EMAIL = "admin@localhost"
OPERATOR_PASSWORD = "a-long-operator-password"

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(monkeypatch: pytest.MonkeyPatch) -> User:
    """`manage.py createsuperuser --noinput`, from the environment as a deployment runs it."""
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", OPERATOR_EMAIL)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", OPERATOR_PASSWORD)
    call_command("createsuperuser", interactive=False, stdout=StringIO(), stderr=StringIO())
    return User.objects.get(email=OPERATOR_EMAIL)


def test_an_operator_made_by_createsuperuser_signs_in_and_reads_their_profile(
    api: APIClient, operator: User
) -> None:
    token = api.post("/api/v1/auth/token", {"email": OPERATOR_EMAIL, "password": OPERATOR_PASSWORD})
    assert token.status_code == 200, token.content
    bearer(api, token.json()["access"])

    me = api.get("/api/v1/me")

    assert me.status_code == 200, me.content
    body = me.json()
    assert (body["id"], body["email"]) == (str(operator.pk), OPERATOR_EMAIL)
    assert body["is_staff"] is True


def test_createsuperuser_announces_the_account_like_any_registration(operator: User) -> None:
    registered = OutboxEvent.objects.filter(event_type="UserRegistered")

    assert registered.count() == 1
    event = registered.get()
    assert event.aggregate_id == str(operator.pk)
    assert event.payload["user_id"] == str(operator.pk)
    assert event.payload["email"] == OPERATOR_EMAIL


def test_the_reset_token_lifetime_follows_the_setting_without_a_restart(
    api: APIClient, user: User, settings: Settings
) -> None:
    settings.PASSWORD_RESET_TOKEN_TTL_MINUTES = 1

    response = api.post("/api/v1/auth/password-reset", {"email": user.email})
    deliver_pending()  # identity's subscriber issues the token (ADR 0019)

    assert response.status_code == 202
    stored = PasswordResetToken.objects.get(user=user)
    assert stored.expires_at - stored.created_at == timedelta(minutes=1)
