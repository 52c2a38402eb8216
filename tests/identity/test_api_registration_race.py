"""Registrations of one address racing over real HTTP: one account, the others 409.

The existence check in `RegisterUser` cannot see a twin's uncommitted row, so the unique
index on lower(email) decides, and its IntegrityError must reach the client as a 409
problem, never a 500. Only PostgreSQL runs the live server's requests truly in parallel.
"""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from contexts.identity.domain.account import Account
from contexts.identity.domain.email import EmailAddress
from contexts.identity.infrastructure.repositories import DjangoAccountRepository
from contexts.identity.models import User

CLIENTS = 8
BODY = {"email": "ann.lee@example.com", "password": "correct-horse-battery", "full_name": "Ann"}

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Answer = tuple[int, str, str]


@pytest.fixture
def unthrottled(settings: Settings) -> None:
    """All the clients come from 127.0.0.1: the auth limit (10/min) must not answer 429."""
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": None}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


@pytest.fixture
def checks_done_before_any_insert(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold each registration after its existence check until every client has made it.

    Left to chance, the first insert usually commits before the others check, so they are
    turned away by the check and the unique index is seldom what decides. Held here, every
    request sees no account and all but one must be stopped by the index.
    """
    gate = threading.Barrier(CLIENTS, timeout=20)
    check = DjangoAccountRepository.find_by_email

    def checked_then_held(self: DjangoAccountRepository, email: EmailAddress) -> Account | None:
        found = check(self, email)
        gate.wait()
        return found

    monkeypatch.setattr(DjangoAccountRepository, "find_by_email", checked_then_held)


def _register(url: str) -> Answer:
    request = urllib.request.Request(
        url,
        data=json.dumps(BODY).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers["Content-Type"], error.read().decode()


def test_concurrent_registrations_of_one_email_open_one_account(
    live_server: LiveServer, unthrottled: None, checks_done_before_any_insert: None
) -> None:
    url = f"{live_server.url}/api/v1/auth/register"
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        answers = list(pool.map(_register, [url] * CLIENTS))

    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [201] + [409] * (CLIENTS - 1), answers
    for status, content_type, body in answers:
        if status == 409:
            assert content_type.startswith("application/problem+json")
            assert json.loads(body)["status"] == 409
    assert list(User.objects.values_list("email", flat=True)) == [BODY["email"]]
