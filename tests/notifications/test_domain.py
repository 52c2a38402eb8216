"""The delivery log entry and the emails themselves: no database, no Django."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from contexts.notifications.domain.delivery_log import (
    ERROR_LIMIT,
    DeliveryStatus,
    EmailDelivery,
    EventRef,
)
from contexts.notifications.domain.emails import (
    MASK,
    REJECTION_WORDING,
    Email,
    Template,
    rejection_wording,
)
from contexts.notifications.domain.errors import ResendRefused

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
EVENT = EventRef(event_id=uuid.uuid4(), event_type="OrderShipped")
SHIPPED = Email(
    template=Template.ORDER_SHIPPED,
    to="ann@example.com",
    context={"full_name": "Ann Lee", "order_id": "o-1", "tracking_number": "1Z9"},
)
RESET = Email(
    template=Template.PASSWORD_RESET,
    to="ann@example.com",
    context={"email": "ann@example.com", "reset_token": "s3cret", "reset_url": "https://x/s3cret"},
)


class TestEmail:
    def test_a_reset_emails_secrets_are_never_part_of_what_is_stored(self):
        assert RESET.storable_context() == {"email": "ann@example.com"}

    def test_other_emails_store_their_whole_context(self):
        assert SHIPPED.storable_context() == dict(SHIPPED.context)

    def test_an_error_quoting_the_secret_is_masked(self):
        assert RESET.redacted("refused s3cret at https://x/s3cret") == f"refused {MASK} at {MASK}"

    def test_every_rejection_reason_has_human_wording(self):
        reasons = {"out_of_stock", "payment_declined", "payment_unavailable", "reservation_expired"}
        assert set(REJECTION_WORDING) == reasons
        assert all("_" not in wording for wording in REJECTION_WORDING.values())

    def test_an_unknown_reason_still_reads_as_a_sentence(self):
        assert rejection_wording("something_new") == "we could not complete it"


class TestEmailDelivery:
    def test_a_first_send_is_one_attempt_sent_now(self):
        entry = EmailDelivery.sent_now(event=EVENT, email=SHIPPED, at=NOW)

        assert (entry.status, entry.attempts, entry.sent_at) == (DeliveryStatus.SENT, 1, NOW)
        assert (entry.template, entry.recipient) == (Template.ORDER_SHIPPED, "ann@example.com")

    def test_a_failure_then_a_successful_retry_counts_both_and_clears_the_error(self):
        entry = EmailDelivery.failed_now(event=EVENT, email=SHIPPED, error="refused", at=NOW)
        assert (entry.status, entry.attempts, entry.last_error) == ("failed", 1, "refused")

        entry.record_sent(at=NOW + timedelta(seconds=4))

        assert (entry.status, entry.attempts, entry.last_error) == ("sent", 2, "")
        assert entry.sent_at == NOW + timedelta(seconds=4)

    def test_a_long_error_is_cut_to_its_start(self):
        entry = EmailDelivery.sent_now(event=EVENT, email=SHIPPED, at=NOW)
        entry.record_failure("x" * (ERROR_LIMIT + 50))
        assert len(entry.last_error) == ERROR_LIMIT

    def test_an_email_is_rebuilt_from_what_was_kept_to_be_sent_again(self):
        entry = EmailDelivery.sent_now(event=EVENT, email=SHIPPED, at=NOW)
        assert entry.email_to_resend() == SHIPPED

    def test_a_reset_email_is_never_resent_its_link_was_not_kept(self):
        entry = EmailDelivery.sent_now(event=EVENT, email=RESET, at=NOW)
        assert entry.context == {"email": "ann@example.com"}
        with pytest.raises(ResendRefused, match="new one"):
            entry.email_to_resend()

    def test_an_email_without_a_recipient_cannot_be_resent(self):
        nobody = Email(template=Template.ORDER_SHIPPED, to="")
        entry = EmailDelivery.failed_now(event=EVENT, email=nobody, error="unknown", at=NOW)
        with pytest.raises(ResendRefused, match="no recipient"):
            entry.email_to_resend()
