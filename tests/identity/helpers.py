"""Assertions the identity API tests share."""

from typing import Any

from contexts.identity.application.ports import TokenPair
from contexts.identity.domain.account import UserId
from contexts.identity.infrastructure.tokens import SimpleJwtSessionTokens

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def problem(response: Any, status: int) -> dict[str, Any]:
    """The problem+json body of an error response, after checking its shape."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body.keys() >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"].startswith("https://")
    return body


def field_errors(response: Any) -> dict[str, list[str]]:
    body = problem(response, 400)
    errors: dict[str, list[str]] = body["errors"]
    return errors


def bearer(client: Any, access: str) -> None:
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")


def session_of(user: Any) -> TokenPair:
    """A session of `user` as `POST /auth/token` opens one, without the password round."""
    return SimpleJwtSessionTokens().open(UserId(user.pk))
