"""One refresh token presented by several clients at once, over real HTTP on PostgreSQL.

A client retrying a refresh whose answer it never got, or a thief racing the owner, sends
the same refresh token twice at nearly the same moment. Each request decodes the token and
finds it unspent before any of them has spent it; if nothing serializes the trade, each
gets a new pair and the family forks into live chains that reuse detection never connects.

Chosen outcome (ADR 0018): the trades of one family are serialized by a lock on its row.
The first trades the token (200); every other finds it traded, which is a replay: 401, the
family revoked (the first one's new refresh token with it), logged. The client signs in
again: from the server's side a retry and a theft look the same.

To make the window certain, every request is held after it has decoded the token and
checked the blacklist (simplejwt's `Token.verify`, which runs after the blacklist check)
until all of them have: on the old code every one then found the token unspent.
"""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import Token

from contexts.identity.models import RefreshTokenFamily
from tests.support.factories import DEFAULT_PASSWORD, UserFactory

CLIENTS = 4
ROUNDS = 3
TIMEOUT = 30

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Answer = tuple[int, str, dict[str, Any]]


@pytest.fixture
def unthrottled(settings: Settings) -> None:
    """Every client is 127.0.0.1: the auth limit (10/min per IP) must not answer 429."""
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": None}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


class Hold:
    """While armed, each decoded refresh token waits until all the clients' are decoded."""

    def __init__(self) -> None:
        self.armed = False
        self.gate = threading.Barrier(CLIENTS, timeout=TIMEOUT)


@pytest.fixture
def held_after_decoding(monkeypatch: pytest.MonkeyPatch) -> Hold:
    hold = Hold()
    verify = Token.verify

    def verified_then_held(self: Token) -> None:
        verify(self)
        if hold.armed and self.token_type == "refresh":
            hold.gate.wait()

    monkeypatch.setattr(Token, "verify", verified_then_held)
    return hold


def _post(url: str, body: dict[str, str]) -> Answer:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, response.headers["Content-Type"], json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers["Content-Type"], json.loads(error.read())


def test_one_refresh_token_traded_at_once_by_several_clients_gives_one_pair_then_ends(
    live_server: LiveServer,
    unthrottled: None,
    held_after_decoding: Hold,
    caplog: pytest.LogCaptureFixture,
) -> None:
    refresh_url = f"{live_server.url}/api/v1/auth/token/refresh"
    for round_ in range(ROUNDS):
        user = UserFactory.create(email=f"ann{round_}@example.com")
        signed_in = _post(
            f"{live_server.url}/api/v1/auth/token",
            {"email": user.email, "password": DEFAULT_PASSWORD},
        )
        assert signed_in[0] == 200, signed_in
        token = signed_in[2]["refresh"]
        caplog.clear()

        held_after_decoding.armed = True
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            answers = list(pool.map(_post, [refresh_url] * CLIENTS, [{"refresh": token}] * CLIENTS))
        held_after_decoding.armed = False

        statuses = sorted(status for status, _, _ in answers)
        assert statuses == [200] + [401] * (CLIENTS - 1), (round_, answers)
        for status, content_type, body in answers:
            if status == 401:
                assert content_type.startswith("application/problem+json"), (round_, body)
                assert "already used" in body["detail"], (round_, body)
        # The one pair given out belongs to the revoked family: its refresh token is spent.
        [winner] = [body for status, _, body in answers if status == 200]
        assert _post(refresh_url, {"refresh": winner["refresh"]})[0] == 401, round_
        assert RefreshTokenFamily.objects.get(user=user).revoked_at is not None, round_
        live = OutstandingToken.objects.filter(user=user).exclude(
            pk__in=BlacklistedToken.objects.values("token_id")
        )
        assert not live.exists(), (round_, list(live.values_list("jti", flat=True)))
        replays: list[Any] = [r.msg for r in caplog.records if r.name == "security"]
        assert [r["event"] for r in replays] == ["refresh_token_reused"] * (CLIENTS - 1), round_
        assert sum(r["family_revoked_now"] for r in replays) == 1, round_
        assert token not in caplog.text
        assert winner["refresh"] not in caplog.text
