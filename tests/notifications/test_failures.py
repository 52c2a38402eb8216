"""A mail server that cannot be reached: the bus retries the subscriber (its backoff, then a
dead letter), the delivery log ends failed with the error, and the reset token is never
written to a log line or a row."""

import pytest
from django.core import mail

from contexts.notifications.application.services import notifications_use_cases
from contexts.notifications.models import EmailDelivery
from contexts.notifications.subscribers import subscriber_name
from shared_kernel.messaging import operations
from shared_kernel.messaging.models import Delivery
from shared_kernel.messaging.testing import deliver_pending
from tests.notifications import events
from tests.notifications.conftest import publish
from tests.notifications.mail import reset_token_in, sent_to
from tests.support.factories import UserFactory
from tests.support.log_capture import rendered_log_lines

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instant_retries")]

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def delivery_of(template: str) -> Delivery:
    return Delivery.objects.get(subscriber=subscriber_name(template))


def test_a_refused_connection_is_retried_then_dead_lettered_and_logged_failed(smtp_down):
    event_id = publish(events.order_shipped(UserFactory(email="ann@example.com").id))

    deliver_pending()

    delivery = delivery_of("order_shipped")
    assert (delivery.status, delivery.attempts, delivery.failures) == ("dead", 3, 3)
    assert "MailNotSent" in delivery.last_error
    entry = EmailDelivery.objects.get(event_id=event_id)
    assert (entry.status, entry.attempts, entry.sent_at) == ("failed", 3, None)
    assert entry.last_error.startswith("ConnectionRefusedError")
    assert entry.recipient == "ann@example.com"
    assert mail.outbox == []


def test_a_dead_letter_replayed_once_the_server_is_back_sends_it_once(smtp_down):
    publish(events.order_shipped(UserFactory(email="ann@example.com").id))
    deliver_pending()
    smtp_down.EMAIL_BACKEND = LOCMEM

    operations.replay(Delivery.objects.filter(status=Delivery.Status.DEAD))
    deliver_pending()

    (shipped,) = mail.outbox
    assert shipped.to == ["ann@example.com"]
    entry = EmailDelivery.objects.get()
    assert (entry.status, entry.attempts, entry.last_error) == ("sent", 4, "")
    assert delivery_of("order_shipped").status == "done"


def test_staff_resend_a_failed_email_through_the_use_case(smtp_down):
    publish(events.payment_refunded(UserFactory(email="ann@example.com").id))
    deliver_pending()
    smtp_down.EMAIL_BACKEND = LOCMEM

    notifications_use_cases().resend_email(delivery_id=EmailDelivery.objects.get().id)

    (refund,) = mail.outbox
    assert "59.80 EUR" in refund.body
    assert EmailDelivery.objects.get().status == "sent"


def test_the_reset_token_is_in_no_log_line_and_no_row_when_the_send_fails(smtp_down):
    publish(events.reset_requested("ann@example.com"))

    with rendered_log_lines() as lines:
        deliver_pending()

    logged = lines.getvalue()
    assert "email_send_failed" in logged
    assert "subscriber_failed" in logged
    assert events.RESET_TOKEN not in logged
    entry = EmailDelivery.objects.get()
    assert entry.status == "failed"
    assert events.RESET_TOKEN not in f"{entry.context} {entry.last_error}"
    assert events.RESET_TOKEN not in delivery_of("password_reset").last_error


def test_the_reset_token_is_in_no_log_line_when_the_email_goes_out(api):
    UserFactory(email="ann@example.com")

    with rendered_log_lines() as lines:
        api.post("/api/v1/auth/password-reset", {"email": "ann@example.com"})
        deliver_pending()

    (reset,) = sent_to("ann@example.com")
    token = reset_token_in(reset)
    assert "notifications.email_password_reset" in lines.getvalue()  # the send was logged
    assert token not in lines.getvalue()
    assert token not in str(list(EmailDelivery.objects.values()))
