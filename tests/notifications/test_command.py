"""`manage.py emails`: the failed emails, resend and prune from the command line."""

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from contexts.notifications.models import EmailDelivery
from shared_kernel.messaging.testing import deliver_pending
from tests.notifications import events
from tests.notifications.conftest import publish
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


def emails(*args: str) -> str:
    out = StringIO()
    call_command("emails", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def shipped() -> EmailDelivery:
    publish(events.order_shipped(UserFactory.create(email="ann@example.com").id))
    deliver_pending()
    mail.outbox.clear()
    return EmailDelivery.objects.get()


@pytest.fixture
def reset() -> EmailDelivery:
    event_id = publish(events.reset_requested())
    deliver_pending()
    return EmailDelivery.objects.get(event_id=event_id)


def test_failed_lists_the_failed_emails_with_their_error(shipped):
    publish(events.order_confirmed(uuid.uuid4()))
    deliver_pending()
    failed = EmailDelivery.objects.get(status="failed")

    listed = emails("failed")

    assert str(failed.pk) in listed
    assert "order_confirmed  (nobody)  No contact details for customer" in listed
    assert str(shipped.pk) not in listed


def test_resend_sends_again_and_says_so(shipped):
    assert emails("resend", str(shipped.pk)) == f"{shipped.pk}: sent\n"

    (again,) = mail.outbox
    assert again.to == ["ann@example.com"]
    shipped.refresh_from_db()
    assert shipped.attempts == 2


def test_resend_fails_the_command_when_an_email_is_not_sent(shipped, reset, smtp_down):
    """One refused by the mail server, one by the rule (a reset link is never kept)."""
    with pytest.raises(CommandError, match="2 email"):
        emails("resend", str(shipped.pk), str(reset.pk))

    shipped.refresh_from_db()
    assert (shipped.status, shipped.last_error[:22]) == ("failed", "ConnectionRefusedError")


def test_prune_deletes_entries_past_the_retention(shipped, settings):
    settings.NOTIFICATION_LOG_RETENTION_DAYS = 10
    EmailDelivery.objects.update(created_at=timezone.now() - timedelta(days=11))

    assert emails("prune") == "1 entries pruned.\n"
    assert not EmailDelivery.objects.exists()
