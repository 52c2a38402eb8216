"""`POST /auth/password-reset` does the same work for every address (issue #14, finding 5;
ADR 0019): it notes the ask in the outbox and answers 202; identity's subscriber looks the
account up and issues the reset off the request path.

The request path is shown identical (the same SQL statements, the same message to the
broker) for a registered, an unknown and a deactivated address, and the reset shown issued
off it. Its timings are measured by `bench/reset_request_timing.py` (real gunicorn,
PostgreSQL, Redis), not here: on a shared machine two medians of the very same work can
differ by more than the millisecond issue #14 allows.
"""

import ipaddress
import random
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from contexts.identity.models import PasswordResetToken
from contexts.identity.subscribers import ISSUE_RESET_SUBSCRIBER
from shared_kernel.messaging import bus, consumer, inbox
from shared_kernel.messaging.models import Delivery, OutboxEvent
from shared_kernel.messaging.testing import deliver_pending
from tests.support.factories import UserFactory

REQUEST = "/api/v1/auth/password-reset"
REGISTERED, UNKNOWN, INACTIVE = "ann@example.com", "nobody@example.com", "gone@example.com"

Post = Callable[[str], int]


@pytest.fixture
def accounts(db: None) -> None:
    UserFactory(email=REGISTERED)
    UserFactory(email=INACTIVE, is_active=False)


@pytest.fixture
def post() -> Post:
    """POST a reset request from an address of its own each time: the per-IP auth throttle
    (the same cache work for every request) never answers 429 here."""

    def send(email: str) -> int:
        address = ipaddress.IPv4Address((10 << 24) + random.getrandbits(24))
        client = Client(REMOTE_ADDR=str(address))
        response = client.post(REQUEST, {"email": email}, content_type="application/json")
        return response.status_code

    return send


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What the relay sends to the broker after commit, recorded instead of sent."""
    messages: list[dict[str, Any]] = []

    def record(args: tuple[int], **options: Any) -> None:
        messages.append({"task": consumer.deliver.name, "queue": options["queue"]})

    monkeypatch.setattr(consumer.deliver, "apply_async", record)
    return messages


def test_the_subscriber_runs_async_on_identitys_queue() -> None:
    subscription = bus.subscription_named(ISSUE_RESET_SUBSCRIBER)

    assert subscription is not None
    assert (subscription.mode, subscription.queue) == ("async", "identity")


@pytest.mark.django_db
def test_the_request_notes_the_ask_and_the_subscriber_issues_the_reset(
    accounts: None, post: Post
) -> None:
    assert post(REGISTERED) == 202
    [ask] = OutboxEvent.objects.all()
    assert ask.event_type == "PasswordResetAsked"
    assert PasswordResetToken.objects.count() == 0, "nothing issued on the request"

    deliver_pending()

    assert PasswordResetToken.objects.filter(user__email=REGISTERED).count() == 1
    issued = OutboxEvent.objects.get(event_type="PasswordResetRequested")
    assert issued.causation_id == str(ask.pk)
    assert issued.correlation_id == ask.correlation_id
    assert Delivery.objects.get(event=ask).status == Delivery.Status.DONE


@pytest.mark.django_db
@pytest.mark.parametrize("email", [UNKNOWN, INACTIVE])
def test_an_ask_for_an_address_without_an_active_account_issues_nothing(
    accounts: None, post: Post, email: str
) -> None:
    assert post(email) == 202

    deliver_pending()

    assert PasswordResetToken.objects.count() == 0
    assert list(OutboxEvent.objects.values_list("event_type", flat=True)) == ["PasswordResetAsked"]
    assert Delivery.objects.get().status == Delivery.Status.DONE


@pytest.mark.django_db
def test_an_ask_its_subscriber_has_handled_is_not_handled_again(accounts: None, post: Post) -> None:
    """Delivery is at least once: a copy of an ask already handled (its inbox row is
    there) issues no second link."""
    post(REGISTERED)
    ask = OutboxEvent.objects.get()
    assert inbox.admit(ask.pk, ISSUE_RESET_SUBSCRIBER)  # handled once already

    deliver_pending()

    assert PasswordResetToken.objects.count() == 0
    assert Delivery.objects.get().status == Delivery.Status.DONE


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_request_is_202_and_the_ask_waits_for_it(
    accounts: None, post: Post, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(consumer.deliver, "apply_async", broker_down)
    assert post(REGISTERED) == 202
    waiting = Delivery.objects.get(subscriber=ISSUE_RESET_SUBSCRIBER)
    assert (waiting.status, waiting.attempts) == (Delivery.Status.PENDING, 0)
    monkeypatch.undo()  # the broker is back

    Delivery.objects.update(available_at=waiting.created_at)  # due now, not after the backoff
    deliver_pending()

    assert PasswordResetToken.objects.filter(user__email=REGISTERED).count() == 1


def _statements(queries: list[dict[str, str]]) -> list[str]:
    """Each SQL statement with its values blanked: what the database is asked to do."""
    shapes = []
    for query in queries:
        sql = re.sub(r"'(?:[^']|'')*'", "?", query["sql"])
        shapes.append(re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql))
    return shapes


@pytest.mark.django_db(transaction=True)
def test_the_request_does_the_same_work_whoever_asks(
    accounts: None, post: Post, sent: list[dict[str, Any]]
) -> None:
    """The same SQL statements in the same order, commit and after-commit handover
    included, and one message to identity's queue: registered, unknown or deactivated."""
    post(UNKNOWN)  # warm: first-request imports and caches
    work = {}
    for email in (REGISTERED, UNKNOWN, INACTIVE):
        sent.clear()
        with CaptureQueriesContext(connection) as queries:
            assert post(email) == 202
        work[email] = (_statements(queries.captured_queries), list(sent))

    statements, messages = work[REGISTERED]
    assert any("INSERT INTO" in sql and "outbox" in sql for sql in statements)
    assert messages == [{"task": "shared_kernel.messaging.deliver", "queue": "identity"}]
    assert work[UNKNOWN] == work[INACTIVE] == work[REGISTERED]
    assert PasswordResetToken.objects.count() == 0
