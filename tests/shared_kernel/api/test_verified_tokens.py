"""Each process remembers the access tokens it verified (ADR 0022), and that changes no
answer: a remembered token that expires is refused, a change of the JWT settings or the
secret key forgets them all, and each request gets a token of its own."""

import time
from datetime import timedelta
from typing import Any

import pytest
from rest_framework_simplejwt.exceptions import InvalidToken

from shared_kernel.api import authentication
from shared_kernel.api.authentication import JWTAuthentication
from tests.shared_kernel.api.test_malformed_token_claims import signed_token


@pytest.fixture(autouse=True)
def nothing_remembered() -> None:
    authentication._verified.clear()


def raw(**claims: Any) -> bytes:
    return signed_token(user_id="4f8ec3a0-3f5e-4c39-9a55-0c5b8f8f0a11", **claims).encode()


def test_a_remembered_token_that_expires_is_refused(monkeypatch) -> None:
    token = raw(exp=int(time.time()) + 60)
    JWTAuthentication().get_validated_token(token)
    later = authentication.aware_utcnow() + timedelta(minutes=2)
    monkeypatch.setattr(authentication, "aware_utcnow", lambda: later)
    monkeypatch.setattr("rest_framework_simplejwt.tokens.aware_utcnow", lambda: later)

    with pytest.raises(InvalidToken, match="not valid"):
        JWTAuthentication().get_validated_token(token)


@pytest.mark.parametrize("setting", ["SIMPLE_JWT", "SECRET_KEY"])
def test_new_jwt_settings_or_secret_key_forget_the_verified_tokens(settings, setting) -> None:
    JWTAuthentication().get_validated_token(raw())
    assert authentication._verified

    setattr(settings, setting, getattr(settings, setting))  # announced as changed

    assert not authentication._verified


def test_each_request_gets_a_token_of_its_own() -> None:
    token = raw()
    first = JWTAuthentication().get_validated_token(token)
    first["user_id"] = "someone-else"

    again = JWTAuthentication().get_validated_token(token)

    assert again["user_id"] == "4f8ec3a0-3f5e-4c39-9a55-0c5b8f8f0a11"
    assert token in authentication._verified, "verified once, then remembered"


def test_the_memory_is_bounded(monkeypatch) -> None:
    monkeypatch.setattr(authentication, "VERIFIED_TOKENS_REMEMBERED", 3)

    for _ in range(7):
        JWTAuthentication().get_validated_token(raw(jti=str(time.perf_counter_ns())))

    assert 1 <= len(authentication._verified) <= 3
