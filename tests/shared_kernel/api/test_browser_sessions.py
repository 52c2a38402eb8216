"""Django's session, authentication and messages middlewares step aside for a request no
browser session can be behind, and keep every duty where one can be; CSRF is checked as
before (ADR 0022)."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from shared_kernel.api.middleware import serves_a_browser_session
from tests.support.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "path", "cookies", "expected"),
    [
        ("get", "/api/v1/me", {}, False),
        ("post", "/api/v1/orders", {}, False),
        ("get", "/health/live", {}, False),
        ("get", "/api/v1/me", {settings.SESSION_COOKIE_NAME: "x"}, True),
        ("get", "/admin/login/", {}, True),
        ("post", "/metrics", {}, True),  # unsafe outside /api/: a form post, a browser
    ],
)
def test_who_gets_the_browser_session_middlewares(
    method: str, path: str, cookies: dict[str, str], expected: bool
) -> None:
    factory = RequestFactory()
    for name, value in cookies.items():
        factory.cookies[name] = value

    assert serves_a_browser_session(getattr(factory, method)(path)) is expected


def test_the_admin_sign_in_form_is_csrf_protected_and_opens_a_session() -> None:
    staff = StaffFactory.create()
    browser = Client(enforce_csrf_checks=True)
    token = browser.get("/admin/login/").cookies[settings.CSRF_COOKIE_NAME].value
    credentials = {"username": staff.email, "password": DEFAULT_PASSWORD}

    assert browser.post("/admin/login/", credentials).status_code == 403
    signed_in = browser.post(
        "/admin/login/?next=/admin/", {**credentials, "csrfmiddlewaretoken": token}
    )
    assert signed_in.status_code == 302
    assert settings.SESSION_COOKIE_NAME in signed_in.cookies
    assert browser.get("/admin/").status_code == 200


def test_a_signed_in_browser_uses_the_api_with_its_session_and_csrf() -> None:
    user = UserFactory.create()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    assert browser.get("/api/v1/me").json()["id"] == str(user.pk)
    refused = browser.patch("/api/v1/me", {"full_name": "X"}, content_type="application/json")
    assert refused.status_code == 403, "DRF's CSRF check for a session user"


def test_a_bearer_token_call_opens_no_session(api_token: tuple[Any, str]) -> None:
    user, token = api_token

    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.json()["id"] == str(user.pk)
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_an_unsafe_request_outside_the_api_still_needs_its_csrf_token() -> None:
    assert Client(enforce_csrf_checks=True).post("/metrics").status_code == 403


@pytest.fixture
def api_token() -> tuple[Any, str]:
    user = UserFactory.create()
    signed_in = Client().post(
        "/api/v1/auth/token",
        {"email": user.email, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    return user, signed_in.json()["access"]
