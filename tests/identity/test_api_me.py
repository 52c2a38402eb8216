"""GET and PATCH /api/v1/me."""

import pytest

from contexts.identity.models import User
from tests.identity.helpers import bearer, field_errors, problem, session_of

URL = "/api/v1/me"

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(api, user):
    bearer(api, session_of(user).access)
    return api


def test_shows_the_callers_profile(signed_in, user):
    body = signed_in.get(URL).json()
    assert body == {
        "id": str(user.pk),
        "email": "ann@example.com",
        "full_name": "Ann Lee",
        "is_staff": False,
        "date_joined": user.date_joined.isoformat().replace("+00:00", "Z"),
    }


def test_reading_your_profile_is_one_query(signed_in, django_assert_num_queries):
    """Authentication loads the account; the profile is rendered from it (ADR 0022)."""
    with django_assert_num_queries(1):
        response = signed_in.get(URL)
    assert response.status_code == 200


def test_changes_the_full_name(signed_in, user):
    response = signed_in.patch(URL, {"full_name": "  Ann   B. Lee "})

    assert response.status_code == 200
    assert response.json()["full_name"] == "Ann B. Lee"
    user.refresh_from_db()
    assert user.full_name == "Ann B. Lee"


def test_is_staff_and_the_other_fields_are_ignored(signed_in, user):
    response = signed_in.patch(
        URL,
        {"is_staff": True, "email": "evil@example.com", "id": "x", "is_active": False},
    )

    assert response.status_code == 200
    assert response.json()["is_staff"] is False
    assert response.json()["email"] == "ann@example.com"
    stored = User.objects.get(pk=user.pk)
    assert not stored.is_staff
    assert stored.is_active
    assert stored.email == "ann@example.com"


def test_a_full_name_too_long_is_a_validation_error(signed_in, user):
    assert list(field_errors(signed_in.patch(URL, {"full_name": "x" * 201}))) == ["full_name"]
    user.refresh_from_db()
    assert user.full_name == "Ann Lee"


@pytest.mark.parametrize("method", ["get", "patch"])
def test_anonymous_is_401_with_www_authenticate(api, method):
    response = getattr(api, method)(URL, {})
    problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_bad_bearer_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    problem(api.get(URL), 401)


def test_a_deactivated_account_is_shut_out_even_with_a_live_access_token(signed_in, user):
    User.objects.filter(pk=user.pk).update(is_active=False)
    problem(signed_in.get(URL), 401)
