"""Each template, rendered and sent through Django's email backend (locmem in tests): the
subject and both bodies say what the event gives."""

import pytest
from django.core import mail

from contexts.notifications.application.emails import email_for
from contexts.notifications.infrastructure.mailer import DjangoTemplateMailer
from tests.notifications import events
from tests.notifications.fakes import RESET_URL, NotificationsFakes


@pytest.fixture
def fakes() -> NotificationsFakes:
    return NotificationsFakes()


def sent(fakes: NotificationsFakes, event) -> mail.EmailMultiAlternatives:
    mail.outbox.clear()
    reset_url = lambda token: RESET_URL.format(token=token)  # noqa: E731
    email = email_for(event, contact_of=fakes.contacts.get, reset_url=reset_url)
    DjangoTemplateMailer().send(email)
    (message,) = mail.outbox
    assert isinstance(message, mail.EmailMultiAlternatives)
    return message


def html_of(message: mail.EmailMultiAlternatives) -> str:
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return str(html)


def assert_everywhere(message: mail.EmailMultiAlternatives, *parts: str) -> None:
    for part in parts:
        assert part in message.body, part
        assert part in html_of(message), part


def test_welcome_greets_the_new_customer_by_name(fakes, settings):
    message = sent(fakes, events.user_registered("bob@example.com", "Bob Roe"))

    assert message.subject == "Welcome to Emporium, Bob Roe"
    assert message.to == ["bob@example.com"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.body.startswith("Hello Bob Roe,")
    assert_everywhere(message, "Bob Roe", "bob@example.com")


def test_welcome_without_a_name_still_reads_well(fakes):
    message = sent(fakes, events.user_registered("bob@example.com", ""))

    assert message.subject == "Welcome to Emporium"
    assert message.body.startswith("Hello,")


def test_password_reset_carries_the_token_and_the_link_to_confirm_it(fakes):
    message = sent(fakes, events.reset_requested("ann@example.com"))

    link = RESET_URL.format(token=events.RESET_TOKEN)
    assert message.subject == "Reset your Emporium password"
    assert events.RESET_TOKEN not in message.subject
    assert message.to == ["ann@example.com"]
    assert_everywhere(message, events.RESET_TOKEN, "/api/v1/auth/password-reset/confirm")
    assert link in message.body
    assert f'href="{link}"' in html_of(message)


def test_order_confirmed_names_the_order_and_its_total(fakes):
    message = sent(fakes, events.order_confirmed(fakes.customer("cy@example.com", "Cy Doe")))

    assert message.subject == f"Your Emporium order {events.ORDER_ID} is confirmed"
    assert message.to == ["cy@example.com"]
    assert_everywhere(message, "Cy Doe", str(events.ORDER_ID), "59.80 EUR")


@pytest.mark.parametrize(
    ("reason", "wording"),
    [
        ("out_of_stock", "some of the items you ordered are out of stock"),
        ("payment_declined", "your payment was declined"),
        ("payment_unavailable", "we could not reach the payment provider"),
        ("reservation_expired", "your payment did not complete while we held the items"),
    ],
)
def test_order_rejected_says_why_in_words(fakes, reason, wording):
    message = sent(fakes, events.order_rejected(fakes.customer(full_name="Cy Doe"), reason))

    assert message.subject == f"Your Emporium order {events.ORDER_ID} could not be completed"
    assert_everywhere(message, "Cy Doe", str(events.ORDER_ID), wording, "not been charged")
    assert reason not in message.body


def test_order_shipped_gives_the_tracking_number(fakes):
    message = sent(fakes, events.order_shipped(fakes.customer(full_name="Cy Doe")))

    assert message.subject == f"Your Emporium order {events.ORDER_ID} has shipped"
    assert_everywhere(message, "Cy Doe", str(events.ORDER_ID), "1Z999AA10123")


@pytest.mark.parametrize(
    ("by", "wording"),
    [("customer", "as you asked"), ("staff", "by our staff"), ("system", "no longer be supplied")],
)
def test_order_cancelled_says_by_whom(fakes, by, wording):
    message = sent(fakes, events.order_cancelled(fakes.customer(full_name="Cy Doe"), by))

    assert message.subject == f"Your Emporium order {events.ORDER_ID} is cancelled"
    assert_everywhere(message, "Cy Doe", str(events.ORDER_ID), wording)


def test_payment_refunded_gives_the_amount(fakes):
    message = sent(fakes, events.payment_refunded(fakes.customer(full_name="Cy Doe")))

    assert message.subject == f"Refund of 59.80 EUR for your Emporium order {events.ORDER_ID}"
    assert_everywhere(message, "Cy Doe", str(events.ORDER_ID), "59.80 EUR")


def test_a_name_is_written_as_it_is_in_text_and_escaped_in_html(fakes):
    message = sent(fakes, events.order_shipped(fakes.customer(full_name="Seán O'Brien <b>")))

    assert "Hello Seán O'Brien <b>," in message.body
    assert "Seán O&#x27;Brien &lt;b&gt;" in html_of(message)
