"""What the reset email would carry, as the notifications context will get it.

No context subscribes to `PasswordResetRequested` yet (the notifications context will), and
an event no one subscribes to is written with its secret already scrubbed (ADR 0016). So the
identity tests subscribe a stand-in for that email, in-process (`conftest.py`, for every
test): the bus opens the sealed token for it, exactly as it will for the real subscriber,
and the tests read the token from here, never from the outbox. The stand-in also keeps the
event's row as it rested in the outbox while it was being delivered.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from contexts.identity.contracts import PasswordResetRequested
from shared_kernel.messaging import bus
from shared_kernel.messaging.envelope import Envelope
from shared_kernel.messaging.models import OutboxEvent
from shared_kernel.messaging.testing import deliver_pending

SUBSCRIBER = "notifications.reset_email_stand_in"


@dataclass(frozen=True)
class Sent:
    event: PasswordResetRequested
    envelope: Envelope
    stored_payload: dict[str, Any]  # the outbox row's payload during the delivery


@dataclass
class Mailbox:
    sent: list[Sent] = field(default_factory=list)

    def receive(self, event: PasswordResetRequested, envelope: Envelope) -> None:
        stored = OutboxEvent.objects.values_list("payload", flat=True).get(pk=envelope.event_id)
        self.sent.append(Sent(event, envelope, stored))

    def to(self, email: str) -> Sent:
        """The latest reset email to `email`, once whatever is pending is delivered."""
        deliver_pending()
        mails = [sent for sent in self.sent if sent.event.email == email]
        assert mails, f"no reset email was sent to {email}"
        return mails[-1]

    def token_for(self, email: str) -> str:
        return self.to(email).event.reset_token


MAILBOX = Mailbox()


@contextmanager
def subscribed() -> Iterator[Mailbox]:
    """The stand-in subscribed for the block, its mailbox empty."""
    MAILBOX.sent.clear()
    bus.subscribe(PasswordResetRequested, MAILBOX.receive, name=SUBSCRIBER, mode="inline")
    try:
        yield MAILBOX
    finally:
        bus.unsubscribe(SUBSCRIBER)
        MAILBOX.sent.clear()
