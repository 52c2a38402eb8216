"""Notifications' use cases on in-memory fakes: no database, no Django."""

import uuid
from datetime import timedelta

import pytest

from contexts.notifications.application.ports import MailNotSent
from contexts.notifications.domain.emails import MASK, Template
from contexts.notifications.domain.errors import DeliveryNotFound, ResendRefused
from tests.notifications import events
from tests.notifications.fakes import RESET_URL, NotificationsFakes

REJECTED_FOR = "your payment was declined"


@pytest.fixture
def fakes() -> NotificationsFakes:
    return NotificationsFakes()


def send(fakes: NotificationsFakes, event, event_id: uuid.UUID | None = None):
    return fakes.use_cases().send_event_email(event=event, event_id=event_id or uuid.uuid4())


class TestSendEventEmail:
    def test_identity_events_are_sent_to_the_address_they_carry(self, fakes):
        send(fakes, events.user_registered("bob@example.com", "Bob Roe"))

        (email,) = fakes.mailer.sent
        assert (email.template, email.to) == (Template.WELCOME, "bob@example.com")
        assert email.context["full_name"] == "Bob Roe"

    def test_the_reset_email_carries_the_token_and_its_link(self, fakes):
        send(fakes, events.reset_requested())

        (email,) = fakes.mailer.sent
        assert email.context["reset_token"] == events.RESET_TOKEN
        assert email.context["reset_url"] == RESET_URL.format(token=events.RESET_TOKEN)

    def test_order_events_go_to_the_customer_identity_knows(self, fakes):
        customer = fakes.customer("cy@example.com", "Cy Doe")

        send(fakes, events.order_confirmed(customer))

        (email,) = fakes.mailer.sent
        assert (email.template, email.to) == (Template.ORDER_CONFIRMED, "cy@example.com")
        assert email.context == {
            "full_name": "Cy Doe",
            "order_id": str(events.ORDER_ID),
            "total": "59.80 EUR",
        }

    @pytest.mark.parametrize(
        ("make", "template", "detail"),
        [
            (events.order_rejected, Template.ORDER_REJECTED, {"reason": REJECTED_FOR}),
            (events.order_shipped, Template.ORDER_SHIPPED, {"tracking_number": "1Z999AA10123"}),
            (events.order_cancelled, Template.ORDER_CANCELLED, {"cancelled_by": "as you asked"}),
            (events.payment_refunded, Template.PAYMENT_REFUNDED, {"amount": "59.80 EUR"}),
        ],
    )
    def test_each_order_email_says_what_its_event_gives(self, fakes, make, template, detail):
        send(fakes, make(fakes.customer()))

        (email,) = fakes.mailer.sent
        assert email.template == template
        assert detail.items() <= email.context.items()

    def test_the_sent_email_is_logged_in_the_same_unit_of_work(self, fakes):
        event_id = uuid.uuid4()

        send(fakes, events.order_shipped(fakes.customer()), event_id)

        entry = fakes.log.only()
        assert (entry.event.event_id, entry.event.event_type) == (event_id, "OrderShipped")
        assert (entry.status, entry.attempts, entry.sent_at) == ("sent", 1, fakes.clock())
        assert fakes.uow.commits == 1

    def test_an_event_already_logged_as_sent_sends_nothing_more(self, fakes):
        event, event_id = events.order_shipped(fakes.customer()), uuid.uuid4()
        send(fakes, event, event_id)

        send(fakes, event, event_id)

        assert len(fakes.mailer.sent) == 1
        assert fakes.log.only().attempts == 1

    def test_the_reset_token_is_never_kept_in_the_log(self, fakes):
        send(fakes, events.reset_requested())

        entry = fakes.log.only()
        assert entry.context == {"email": "ann@example.com"}
        assert events.RESET_TOKEN not in repr(vars(entry))

    def test_a_failed_send_raises_writes_nothing_and_is_noted_for_later(self, fakes):
        fakes.mailer.failing = "ConnectionRefusedError: [Errno 111] Connection refused"
        event_id = uuid.uuid4()

        with pytest.raises(MailNotSent):
            send(fakes, events.order_shipped(fakes.customer()), event_id)

        assert fakes.log.entries() == {}
        assert fakes.uow.rollbacks == 1
        (noted,) = fakes.failures.noted
        assert noted.event.event_id == event_id
        assert noted.error == fakes.mailer.failing

    def test_an_error_quoting_the_reset_token_is_noted_masked(self, fakes):
        fakes.mailer.failing = f"550 rejected message with {events.RESET_TOKEN}"

        with pytest.raises(MailNotSent):
            send(fakes, events.reset_requested())

        assert fakes.failures.noted[0].error == f"550 rejected message with {MASK}"

    def test_the_noted_failure_is_recorded_and_a_later_retry_marks_it_sent(self, fakes):
        event, event_id = events.order_shipped(fakes.customer()), uuid.uuid4()
        fakes.mailer.failing = "SMTPServerDisconnected: gone"
        with pytest.raises(MailNotSent):
            send(fakes, event, event_id)
        fakes.record_noted_failures()
        failed = fakes.log.only()
        assert (failed.status, failed.attempts, failed.last_error) == (
            "failed",
            1,
            "SMTPServerDisconnected: gone",
        )

        fakes.mailer.failing = None
        send(fakes, event, event_id)

        entry = fakes.log.only()
        assert (entry.status, entry.attempts, entry.last_error) == ("sent", 2, "")
        assert len(fakes.mailer.sent) == 1

    def test_a_late_failure_note_never_overwrites_a_sent_entry(self, fakes):
        event, event_id = events.order_shipped(fakes.customer()), uuid.uuid4()
        fakes.mailer.failing = "timed out"
        with pytest.raises(MailNotSent):
            send(fakes, event, event_id)
        fakes.mailer.failing = None
        send(fakes, event, event_id)

        fakes.record_noted_failures()

        assert fakes.log.only().status == "sent"

    def test_a_customer_identity_does_not_know_is_logged_failed_and_not_retried(self, fakes):
        send(fakes, events.order_confirmed(uuid.uuid4()))

        assert fakes.mailer.sent == []
        entry = fakes.log.only()
        assert (entry.status, entry.recipient) == ("failed", "")
        assert entry.last_error.startswith("No contact details for customer")


class TestResendEmail:
    def test_sends_the_logged_email_again_and_counts_it(self, fakes):
        send(fakes, events.order_shipped(fakes.customer()))
        entry = fakes.log.only()
        fakes.clock.advance(hours=2)

        fakes.use_cases().resend_email(delivery_id=entry.id)

        first, again = fakes.mailer.sent
        assert again == first
        resent = fakes.log.only()
        assert (resent.status, resent.attempts, resent.sent_at) == ("sent", 2, fakes.clock())

    def test_a_failed_email_sent_again_becomes_sent(self, fakes):
        fakes.mailer.failing = "refused"
        with pytest.raises(MailNotSent):
            send(fakes, events.payment_refunded(fakes.customer()))
        fakes.record_noted_failures()
        fakes.mailer.failing = None

        fakes.use_cases().resend_email(delivery_id=fakes.log.only().id)

        assert fakes.log.only().status == "sent"
        assert fakes.mailer.sent[0].context["amount"] == "59.80 EUR"

    def test_a_resend_that_fails_is_recorded_as_failed_with_its_error(self, fakes):
        send(fakes, events.order_shipped(fakes.customer()))
        fakes.mailer.failing = "SMTPRecipientsRefused"

        entry = fakes.use_cases().resend_email(delivery_id=fakes.log.only().id)

        assert (entry.status, entry.attempts, entry.last_error) == (
            "failed",
            2,
            "SMTPRecipientsRefused",
        )
        assert fakes.log.only().status == "failed"

    def test_a_reset_email_is_refused(self, fakes):
        send(fakes, events.reset_requested())

        with pytest.raises(ResendRefused):
            fakes.use_cases().resend_email(delivery_id=fakes.log.only().id)
        assert len(fakes.mailer.sent) == 1

    def test_an_unknown_entry_is_not_found(self, fakes):
        with pytest.raises(DeliveryNotFound):
            fakes.use_cases().resend_email(delivery_id=uuid.uuid4())


class TestPruneDeliveryLog:
    def test_forgets_entries_older_than_the_retention_only(self, fakes):
        send(fakes, events.order_shipped(fakes.customer()))
        fakes.clock.advance(days=60)
        send(fakes, events.payment_refunded(fakes.customer()))
        fakes.clock.advance(days=31)

        pruned = fakes.use_cases().prune_delivery_log()

        assert pruned == 1
        assert fakes.log.only().template == Template.PAYMENT_REFUNDED
        assert fakes.clock() - fakes.log.only().created_at < timedelta(days=90)
