"""Two runs sending the same logged email at once, on PostgreSQL, each thread with its own
connection: the entry's row lock (`DeliveryLog.get` / `find_for_event`) makes the second
wait for the first and see what it did, so no attempt is lost and nothing is a 409."""

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection

from contexts.notifications.application.services import notifications_use_cases
from contexts.notifications.models import EmailDelivery
from tests.notifications import events
from tests.support.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slow_mail(settings) -> None:
    settings.EMAIL_BACKEND = "tests.notifications.slow_mail.SlowLocmemBackend"


def at_once(*calls: Callable[[], object]) -> list[object]:
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> object:
        try:
            barrier.wait()
            return call()
        finally:
            connection.close()

    with ThreadPoolExecutor(len(calls)) as pool:
        return [future.result() for future in [pool.submit(run, call) for call in calls]]


def test_two_staff_resending_one_email_at_once_both_count(slow_mail):
    event = events.order_shipped(UserFactory.create(email="ann@example.com").id)
    notifications_use_cases().send_event_email(event=event, event_id=uuid.uuid4())
    entry = EmailDelivery.objects.get()
    resend = notifications_use_cases().resend_email

    at_once(lambda: resend(delivery_id=entry.id), lambda: resend(delivery_id=entry.id))

    entry.refresh_from_db()
    assert (entry.status, entry.attempts, entry.version) == ("sent", 3, 3)
    assert len(mail.outbox) == 3


def test_a_resend_racing_the_bus_retry_of_a_failed_email_counts_every_send(slow_mail):
    """Whichever takes the lock second sees the first's send: the retry then sends nothing
    (the entry is sent), a resend sends again as staff asked; no send goes uncounted."""
    ann = UserFactory.create(email="ann@example.com")
    event = events.order_shipped(ann.id)
    event_id = uuid.uuid4()
    send = notifications_use_cases().send_event_email
    send(event=event, event_id=event_id)
    EmailDelivery.objects.update(status="failed", last_error="refused")  # as a failed first try
    mail.outbox.clear()
    entry = EmailDelivery.objects.get()
    resend = notifications_use_cases().resend_email

    at_once(lambda: resend(delivery_id=entry.id), lambda: send(event=event, event_id=event_id))

    entry.refresh_from_db()
    assert entry.status == "sent"
    assert len(mail.outbox) in (1, 2)
    assert entry.attempts == 1 + len(mail.outbox)
