"""The bugs the OpenAPI fuzzing (and reading the code it drove) found, pinned one by one."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from rest_framework.test import APIClient

from tests.identity.helpers import bearer, field_errors
from tests.support.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
PASSWORD_WITH_SPACES = "  a long and unusual passphrase  "


def _sign_in(api: APIClient, email: str, password: Any) -> Any:
    return api.post("/api/v1/auth/token", {"email": email, "password": password})


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/api/v1/auth/register",
            {"email": "a@example.com", "password": DEFAULT_PASSWORD, "full_name": 0},
        ),
        ("/api/v1/auth/token", {"email": "ann@example.com", "password": 12345678901}),
        ("/api/v1/auth/token/refresh", {"refresh": 0}),
        ("/api/v1/auth/password-reset/confirm", {"token": 0, "password": DEFAULT_PASSWORD}),
    ],
)
def test_a_number_where_the_schema_says_string_is_a_400(api, path, body):
    field = next(name for name, value in body.items() if not isinstance(value, str))
    assert field in field_errors(api.post(path, body))


def test_a_number_as_full_name_on_me_is_a_400_and_changes_nothing(api, user):
    bearer(api, _sign_in(api, user.email, DEFAULT_PASSWORD).json()["access"])

    assert "full_name" in field_errors(api.patch("/api/v1/me", {"full_name": 0}))
    assert api.get("/api/v1/me").json()["full_name"] == "Ann Lee"


def test_a_password_registered_with_surrounding_spaces_signs_in_as_typed(api):
    registered = api.post(
        "/api/v1/auth/register", {"email": "spaces@example.com", "password": PASSWORD_WITH_SPACES}
    )
    assert registered.status_code == 201, registered.content

    assert _sign_in(api, "spaces@example.com", PASSWORD_WITH_SPACES).status_code == 200
    assert _sign_in(api, "spaces@example.com", PASSWORD_WITH_SPACES.strip()).status_code == 401


# Stripe's webhook is never throttled: Stripe retries what it is refused, a burst of its
# calls is normal, and each is checked by its signature (docs/adr/0028-*).
UNTHROTTLED = {("post", "/api/v1/payments/webhooks/stripe")}


def test_the_committed_schema_names_the_statuses_the_plumbing_answers_with():
    """401 (bad bearer token) and 429 on every operation but Stripe's webhook, 413 and 415
    wherever a body is sent."""
    schema = yaml.safe_load(SCHEMA_PATH.read_text())
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            statuses = set(operation["responses"])
            throttled = {"429"} - ({"429"} if (method, path) in UNTHROTTLED else set())
            expected = (
                {"401"} | throttled | ({"413", "415"} if "requestBody" in operation else set())
            )
            assert expected <= statuses, (method, path, sorted(statuses))
