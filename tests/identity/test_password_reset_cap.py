"""At most a few reset links of one account work at once (issue #14: 27 were live at once
for one account): asking for one more voids the oldest still live. The request still
answers 202 and the account still announces each reset (`PasswordResetRequested`).

On fakes (the rule), over HTTP against the live server (the door), and raced on
PostgreSQL (two issuings at once cannot both keep their token past the limit).
"""

import ipaddress
import random
import threading

import pytest
import requests
from django.db import connection
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from contexts.identity.application.services import identity_use_cases
from contexts.identity.contracts import PasswordResetRequested
from contexts.identity.domain.errors import ResetTokenAlreadyUsed
from contexts.identity.models import PasswordResetToken, User
from shared_kernel.domain.errors import Conflict
from shared_kernel.messaging.testing import eager_delivery
from tests.identity.fakes import IdentityFakes
from tests.support.factories import UserFactory


def live_tokens(fakes: IdentityFakes) -> list:
    now = fakes.clock()
    return [r for r in fakes.resets.all() if r.used_at is None and not r.is_expired(now=now)]


class TestOnFakes:
    @pytest.fixture
    def fakes(self) -> IdentityFakes:
        fakes = IdentityFakes()
        fakes.use_cases().register_user(email="ann@example.com", password="correct-horse-1")
        return fakes

    def ask(self, fakes: IdentityFakes, times: int = 1) -> list[str]:
        """Ask `times`, a minute apart; the raw tokens the emails would carry."""
        tokens = []
        for _ in range(times):
            fakes.clock.advance(minutes=1)
            fakes.use_cases().request_password_reset(email="ann@example.com")
            tokens.append(
                next(
                    e.reset_token
                    for e in reversed(fakes.uow.events)
                    if isinstance(e, PasswordResetRequested)
                )
            )
        return tokens

    def test_the_fourth_link_voids_the_oldest(self, fakes: IdentityFakes) -> None:
        self.ask(fakes, 3)
        first_three = sorted(r.created_at for r in live_tokens(fakes))

        self.ask(fakes)

        live = sorted(r.created_at for r in live_tokens(fakes))
        assert live == [*first_three[1:], fakes.clock()]
        [voided] = [r for r in fakes.resets.all() if r.used_at is not None]
        assert voided.created_at == first_three[0]
        assert voided.used_at == fakes.clock()

    def test_many_asks_leave_the_newest_three(self, fakes: IdentityFakes) -> None:
        tokens = self.ask(fakes, 27)

        assert len(live_tokens(fakes)) == IdentityFakes.RESET_LIVE_LIMIT == 3
        # Every ask was still announced: each email goes out, only the newest links work.
        announced = [e for e in fakes.uow.events if isinstance(e, PasswordResetRequested)]
        assert len(announced) == 27
        with pytest.raises(ResetTokenAlreadyUsed):
            fakes.use_cases().confirm_password_reset(token=tokens[-4], password="brand-new-pass")
        fakes.use_cases().confirm_password_reset(token=tokens[-3], password="brand-new-pass")

    def test_expired_links_do_not_count(self, fakes: IdentityFakes) -> None:
        self.ask(fakes, 3)
        fakes.clock.advance(minutes=61)

        self.ask(fakes, 3)

        assert len(live_tokens(fakes)) == 3
        assert all(r.used_at is None for r in fakes.resets.all())  # none voided, 3 expired

    def test_the_limit_is_read_when_a_link_is_issued(self, fakes: IdentityFakes) -> None:
        fakes.RESET_LIVE_LIMIT = 1
        self.ask(fakes, 4)
        assert len(live_tokens(fakes)) == 1


def new_ip() -> str:
    return str(ipaddress.IPv4Address((10 << 24) + random.getrandbits(24)))


@pytest.mark.django_db(transaction=True)
def test_over_http_the_newest_three_links_stay_live(settings, live_server: LiveServer) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    ann = UserFactory.create(email="ann@example.com")

    # Subscribers run at once in the server's thread: wherever the token is issued, on the
    # request or by identity's subscriber, it is issued before the next ask.
    with eager_delivery():
        for _ in range(6):
            response = requests.post(
                f"{live_server.url}/api/v1/auth/password-reset",
                json={"email": "ann@example.com"},
                headers={"X-Forwarded-For": new_ip()},  # past the per-IP auth throttle
                timeout=10,
            )
            assert response.status_code == 202

    rows = list(PasswordResetToken.objects.filter(user=ann).order_by("created_at"))
    assert len(rows) == 6
    assert [row.used_at is None for row in rows] == [False] * 3 + [True] * 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_issuings_at_once_never_keep_more_than_the_limit_live() -> None:
    """Eight issuings for one account start together on eight connections: those that
    lose the race on the account's version are refused (409, a worker retries them); the
    account never holds more than three live links."""
    ann: User = UserFactory.create(email="ann@example.com")
    request_reset = identity_use_cases().request_password_reset
    request_reset(email=ann.email)
    request_reset(email=ann.email)
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def issue() -> None:
        try:
            start.wait(timeout=10)
            request_reset(email=ann.email)
            outcomes.append("issued")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 8
    assert "issued" in outcomes
    live = PasswordResetToken.objects.filter(
        user=ann, used_at__isnull=True, expires_at__gt=timezone.now()
    )
    assert live.count() <= 3
    issued = 2 + outcomes.count("issued")
    assert PasswordResetToken.objects.filter(user=ann).count() == issued
    assert live.count() == min(3, issued)
