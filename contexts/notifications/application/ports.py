"""What notifications' use cases need from the outside world, stated as abstract ports.

Each has two adapters: Django's (`infrastructure/`) and the tests' in-memory fake
(`tests/notifications/fakes.py`). Plain callables stand for the rest: the clock, a customer's
contact details (identity's facade), the reset link (a setting).
"""

import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime

from contexts.notifications.domain.delivery_log import EmailDelivery, EventRef
from contexts.notifications.domain.emails import Email
from shared_kernel.domain.errors import InfrastructureError


class MailNotSent(InfrastructureError):
    """The mail server could not take the email (down, refused, timed out)."""

    title = "Email not sent"
    code = "mail_not_sent"


class Mailer(ABC):
    @abstractmethod
    def send(self, email: Email) -> None:
        """Render the email's template and hand it to the mail server; MailNotSent if it
        could not take it."""


class DeliveryLog(ABC):
    """Delivery log entries, versioned: `save` stores only the version loaded (else 409)."""

    @abstractmethod
    def get(self, delivery_id: uuid.UUID) -> EmailDelivery:
        """The entry, locked until the unit of work ends; DeliveryNotFound if there is none."""

    @abstractmethod
    def find_for_event(self, event_id: uuid.UUID) -> EmailDelivery | None:
        """The event's entry, locked until the unit of work ends: a resend and a retry of the
        same email wait for each other, and the second sees what the first did."""

    @abstractmethod
    def add(self, entry: EmailDelivery) -> None: ...

    @abstractmethod
    def save(self, entry: EmailDelivery) -> None: ...

    @abstractmethod
    def prune(self, *, created_before: datetime) -> int:
        """Delete the entries created before this time; how many went."""


@dataclass(frozen=True, slots=True)
class FailedSend:
    """A send that failed inside a subscriber's transaction, to be recorded after it."""

    event: EventRef
    email: Email
    error: str
    at: datetime


class FailedSendNotes(ABC):
    """Where a failed send waits to be recorded.

    A subscriber whose send fails raises, so the bus retries it; that rolls back its whole
    transaction, and with it anything written there. The failure is therefore only noted
    here, and recorded (`RecordFailedSend`) in a transaction of its own once the one it
    happened in has ended (ADR 0029).
    """

    @abstractmethod
    def note(self, failure: FailedSend) -> None: ...
