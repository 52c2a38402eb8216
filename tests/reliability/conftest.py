"""Fixtures of the reliability tests (the identity tests' own, for the API regressions)."""

import ipaddress
import random

import pytest
from rest_framework.test import APIClient

from contexts.identity.models import User
from tests.support.factories import UserFactory


@pytest.fixture
def api() -> APIClient:
    """An anonymous client with a client IP of its own, so per-IP throttles never leak
    between tests running in parallel against a shared cache."""
    address = ipaddress.IPv4Address((10 << 24) + random.getrandbits(24))
    return APIClient(REMOTE_ADDR=str(address))


@pytest.fixture
def user(db: None) -> User:
    return UserFactory.create(email="ann@example.com", full_name="Ann Lee")
