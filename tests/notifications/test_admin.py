"""The delivery log in the back-office: filtered by status and template, read-only, with a
resend action that goes through the use case."""

import uuid

import pytest
from django.core import mail
from django.test import Client

from contexts.notifications.models import EmailDelivery
from shared_kernel.messaging.testing import deliver_pending
from tests.notifications import events
from tests.notifications.conftest import publish
from tests.support.factories import StaffFactory, UserFactory

LIST = "/admin/notifications/emaildelivery/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.force_login(StaffFactory.create(email="boss@example.com", is_superuser=True))
    return client


@pytest.fixture
def logged() -> dict[str, EmailDelivery]:
    """A sent shipping email, a failed one (unknown customer) and a sent reset email."""
    ann = UserFactory.create(email="ann@example.com", full_name="Ann Lee")
    publish(events.order_shipped(ann.id))
    deliver_pending()
    publish(events.order_confirmed(uuid.uuid4()))
    deliver_pending()
    publish(events.reset_requested("ann@example.com"))
    deliver_pending()
    mail.outbox.clear()
    return {entry.template: entry for entry in EmailDelivery.objects.all()}


def listed(response) -> set[str]:
    return {entry.template for entry in response.context["cl"].result_list}


def test_filters_by_status_and_template(staff_client, logged):
    assert listed(staff_client.get(LIST)) == {"order_shipped", "order_confirmed", "password_reset"}
    assert listed(staff_client.get(LIST, {"status__exact": "failed"})) == {"order_confirmed"}
    assert listed(staff_client.get(LIST, {"template__exact": "password_reset"})) == {
        "password_reset"
    }
    assert listed(staff_client.get(LIST, {"q": "ann@"})) == {"order_shipped", "password_reset"}


def test_an_entry_is_shown_read_only_and_the_reset_token_never(staff_client, logged):
    entry = logged["password_reset"]

    page = staff_client.get(f"{LIST}{entry.pk}/change/").content.decode()

    assert "ann@example.com" in page
    assert events.RESET_TOKEN not in page
    assert 'name="_save"' not in page


def test_resend_sends_the_email_again_and_counts_it(staff_client, logged):
    entry = logged["order_shipped"]

    response = staff_client.post(
        LIST, {"action": "resend", "_selected_action": [str(entry.pk)]}, follow=True
    )

    (again,) = mail.outbox
    assert again.to == ["ann@example.com"]
    assert "1Z999AA10123" in again.body
    entry.refresh_from_db()
    assert (entry.status, entry.attempts) == ("sent", 2)
    assert "1 email(s) sent again." in response.content.decode()


def test_resend_of_a_reset_email_is_refused_with_the_reason(staff_client, logged):
    entry = logged["password_reset"]

    response = staff_client.post(
        LIST, {"action": "resend", "_selected_action": [str(entry.pk)]}, follow=True
    )

    assert mail.outbox == []
    assert "asks for a new one" in response.content.decode()
    entry.refresh_from_db()
    assert entry.attempts == 1


def test_a_resend_the_mail_server_refuses_is_logged_failed_and_reported(
    staff_client, logged, smtp_down
):
    entry = logged["order_shipped"]

    response = staff_client.post(
        LIST, {"action": "resend", "_selected_action": [str(entry.pk)]}, follow=True
    )

    assert "Not sent: ConnectionRefusedError" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.status, entry.attempts) == ("failed", 2)


def test_entries_are_neither_added_nor_deleted_by_hand(staff_client, logged):
    assert staff_client.get(f"{LIST}add/").status_code == 403
    entry = logged["order_shipped"]
    assert staff_client.get(f"{LIST}{entry.pk}/delete/").status_code == 403
