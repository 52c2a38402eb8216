"""The auth endpoints share a stricter per-IP throttle (`THROTTLE_AUTH`)."""

import pytest
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.test import APIClient

from shared_kernel.api.throttling import AuthRateThrottle
from tests.identity.helpers import problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_per_minute(monkeypatch, settings):
    """A low limit in a private cache: parallel tests clearing the shared cache cannot
    reset these counters half-way."""
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": "3/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    monkeypatch.setattr(AuthRateThrottle, "cache", LocMemCache("auth-throttle-test", {}))


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/auth/token", {"email": "ann@example.com", "password": "wrong-password"}),
        ("/api/v1/auth/register", {"email": "not-an-email", "password": "x"}),
        ("/api/v1/auth/password-reset", {"email": "ann@example.com"}),
        ("/api/v1/auth/password-reset/confirm", {"token": "t", "password": "p"}),
        ("/api/v1/auth/token/refresh", {"refresh": "garbage"}),
    ],
)
def test_the_fourth_request_in_a_minute_from_one_ip_is_429(three_per_minute, api, path, body):
    statuses = [api.post(path, body).status_code for _ in range(3)]
    assert 429 not in statuses

    response = api.post(path, body)

    assert "throttled" in problem(response, 429)["type"]
    assert int(response["Retry-After"]) > 0


def test_the_limit_is_per_client_ip(three_per_minute):
    first = APIClient(REMOTE_ADDR="192.0.2.1")
    for _ in range(3):
        first.post("/api/v1/auth/password-reset", {"email": "ann@example.com"})
    assert first.post("/api/v1/auth/password-reset", {"email": "a@b.co"}).status_code == 429

    other = APIClient(REMOTE_ADDR="192.0.2.2")
    assert other.post("/api/v1/auth/password-reset", {"email": "a@b.co"}).status_code == 202
