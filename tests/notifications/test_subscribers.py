"""The seven subscribers on the real bus (outbox, deliveries, inbox) and database, delivered
in this process as a worker would (`deliver_pending`); email through locmem."""

import uuid

import pytest
from django.core import mail

from contexts.identity.contracts import CustomerContact, IdentityFacade, identity_facade
from contexts.notifications.models import EmailDelivery
from contexts.notifications.subscribers import subscriber_name
from shared_kernel.messaging.models import Delivery, InboxEntry
from shared_kernel.messaging.testing import deliver_pending
from tests.notifications import events
from tests.notifications.conftest import publish
from tests.notifications.mail import reset_token_in, sent_to
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-secret"


class OneCustomer(IdentityFacade):
    def __init__(self, contact: CustomerContact) -> None:
        self.contact = contact

    def contact_of(self, user_id: uuid.UUID) -> CustomerContact | None:
        return self.contact if user_id == self.contact.id else None

    def user_id_by_email(self, email: str) -> uuid.UUID | None:
        return self.contact.id if email == self.contact.email else None


class TestIdentityEventsOverHttp:
    def test_registering_sends_exactly_one_welcome_email(self, api):
        response = api.post(
            "/api/v1/auth/register",
            {"email": "Dee@Example.com", "password": NEW_PASSWORD, "full_name": "Dee Fox"},
            format="json",
        )
        assert response.status_code == 201
        deliver_pending()

        (welcome,) = mail.outbox
        assert welcome.to == ["dee@example.com"]
        assert welcome.subject == "Welcome to Emporium, Dee Fox"
        entry = EmailDelivery.objects.get()
        assert (entry.template, entry.status, entry.attempts) == ("welcome", "sent", 1)
        assert str(entry.event_id) == str(
            Delivery.objects.get(subscriber=subscriber_name("welcome")).event_id
        )

    def test_the_reset_email_carries_a_token_that_resets_the_password(self, api):
        UserFactory(email="ann@example.com", full_name="Ann Lee")

        assert (
            api.post("/api/v1/auth/password-reset", {"email": "ann@example.com"}).status_code == 202
        )
        deliver_pending()

        (reset,) = sent_to("ann@example.com")
        assert reset.subject == "Reset your Emporium password"
        confirm = api.post(
            "/api/v1/auth/password-reset/confirm",
            {"token": reset_token_in(reset), "password": NEW_PASSWORD},
        )
        assert confirm.status_code == 204
        signed_in = api.post(
            "/api/v1/auth/token", {"email": "ann@example.com", "password": NEW_PASSWORD}
        )
        assert signed_in.status_code == 200

    def test_a_reset_asked_for_an_unknown_address_sends_nothing(self, api):
        assert (
            api.post("/api/v1/auth/password-reset", {"email": "no@example.com"}).status_code == 202
        )
        deliver_pending()

        assert mail.outbox == []
        assert not EmailDelivery.objects.exists()


class TestOrderAndPaymentEvents:
    def test_the_customer_is_found_through_identitys_facade(self):
        ann = UserFactory(email="ann@example.com", full_name="Ann Lee")

        publish(events.order_shipped(ann.id))
        deliver_pending()

        (shipped,) = mail.outbox
        assert shipped.to == ["ann@example.com"]
        assert "Hello Ann Lee," in shipped.body
        assert "1Z999AA10123" in shipped.body

    @pytest.mark.parametrize(
        "make",
        [
            events.order_confirmed,
            events.order_rejected,
            events.order_shipped,
            events.order_cancelled,
            events.payment_refunded,
        ],
    )
    def test_each_event_sends_one_email_to_its_customer(self, make):
        contact = CustomerContact(id=uuid.uuid4(), email="cy@example.com", full_name="Cy Doe")

        with identity_facade.overridden(OneCustomer(contact)):
            publish(make(contact.id))
            deliver_pending()

        (message,) = mail.outbox
        assert message.to == ["cy@example.com"]
        assert str(events.ORDER_ID) in message.subject
        assert EmailDelivery.objects.get().status == "sent"

    def test_an_unknown_customer_gets_no_email_and_the_log_says_why(self):
        stranger = uuid.uuid4()

        publish(events.order_confirmed(stranger))
        deliver_pending()

        assert mail.outbox == []
        entry = EmailDelivery.objects.get()
        assert (entry.status, entry.recipient) == ("failed", "")
        assert str(stranger) in entry.last_error
        mine = Delivery.objects.get(subscriber=subscriber_name("order_confirmed"))
        assert mine.status == "done"  # nothing a retry could mend


class TestRedelivery:
    def redeliver(self) -> None:
        """The broker hands the same delivery over again (a lost ack, a relay's copy)."""
        Delivery.objects.update(
            status=Delivery.Status.HANDED_OVER, available_at="2000-01-01T00:00Z"
        )
        deliver_pending()

    def runs(self) -> int:
        return Delivery.objects.get(subscriber=subscriber_name("order_shipped")).attempts

    def test_a_redelivered_event_sends_no_second_email(self):
        publish(events.order_shipped(UserFactory().id))
        deliver_pending()

        self.redeliver()

        assert self.runs() == 2
        assert len(mail.outbox) == 1
        assert EmailDelivery.objects.get().attempts == 1

    def test_the_log_still_guards_once_the_inbox_row_is_pruned(self):
        publish(events.order_shipped(UserFactory().id))
        deliver_pending()
        InboxEntry.objects.all().delete()  # INBOX_RETENTION_DAYS is shorter than the log's

        self.redeliver()

        assert self.runs() == 2
        assert len(mail.outbox) == 1
        assert EmailDelivery.objects.get().attempts == 1
