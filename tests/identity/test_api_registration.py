"""POST /api/v1/auth/register."""

from datetime import datetime

import pytest

from contexts.identity.models import User
from tests.identity.helpers import field_errors, problem

URL = "/api/v1/auth/register"
PASSWORD = "correct-horse-battery"

pytestmark = pytest.mark.django_db


def test_opens_an_account_and_answers_the_user(api):
    response = api.post(
        URL, {"email": "  Ann.Lee@Example.COM ", "password": PASSWORD, "full_name": "Ann Lee"}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "email", "full_name", "is_staff", "date_joined"}
    assert body["email"] == "ann.lee@example.com"
    assert body["full_name"] == "Ann Lee"
    assert body["is_staff"] is False
    assert datetime.fromisoformat(body["date_joined"].replace("Z", "+00:00")).tzinfo is not None
    stored = User.objects.get(pk=body["id"])
    assert stored.email == "ann.lee@example.com"
    assert stored.is_active
    assert stored.password.startswith("argon2")
    assert stored.check_password(PASSWORD)


def test_full_name_is_optional(api):
    response = api.post(URL, {"email": "ann@example.com", "password": PASSWORD})
    assert response.status_code == 201
    assert response.json()["full_name"] == ""


def test_staff_rights_cannot_be_asked_for(api):
    response = api.post(
        URL,
        {"email": "ann@example.com", "password": PASSWORD, "is_staff": True, "is_superuser": True},
    )
    assert response.status_code == 201
    assert response.json()["is_staff"] is False
    stored = User.objects.get(email="ann@example.com")
    assert not stored.is_staff
    assert not stored.is_superuser


@pytest.mark.parametrize("email", ["ann", "ann@", "@example.com", "ann@exa mple.com", ""])
def test_a_malformed_email_is_a_validation_error(api, email):
    errors = field_errors(api.post(URL, {"email": email, "password": PASSWORD}))
    assert list(errors) == ["email"]
    assert User.objects.count() == 0


def test_missing_fields_are_named(api):
    errors = field_errors(api.post(URL, {}))
    assert set(errors) == {"email", "password"}


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "too short"),
        ("password123", "too common"),
        ("8439201746", "entirely numeric"),
        ("annlee@example.com", "too similar"),
    ],
)
def test_a_weak_password_is_refused_with_the_reason(api, password, reason):
    response = api.post(URL, {"email": "annlee@example.com", "password": password})
    errors = field_errors(response)
    assert list(errors) == ["password"]
    assert reason in " ".join(errors["password"])
    assert User.objects.count() == 0


def test_a_full_name_too_long_is_refused(api):
    errors = field_errors(
        api.post(URL, {"email": "ann@example.com", "password": PASSWORD, "full_name": "x" * 201})
    )
    assert list(errors) == ["full_name"]


def test_an_email_in_use_in_another_case_is_a_conflict(api, user):
    response = api.post(URL, {"email": "ANN@Example.com", "password": PASSWORD})

    body = problem(response, 409)
    assert "already exists" in body["detail"]
    assert User.objects.count() == 1
    assert User.objects.get().pk == user.pk


def test_a_bad_bearer_token_is_401_even_on_a_public_route(api):
    """ARCHITECTURE.md §5: a bad or expired bearer token is 401 on any route."""
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    response = api.post(URL, {"email": "ann@example.com", "password": PASSWORD})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert User.objects.count() == 0


def test_has_no_trailing_slash_route(api):
    response = api.post(URL + "/", {"email": "ann@example.com", "password": PASSWORD})
    assert response.status_code == 404
    assert User.objects.count() == 0
