"""The delivery log: one entry per event that asked for an email, and how sending it went.

An entry is written in the same transaction as the event's inbox row (ARCHITECTURE.md §3),
so an event delivered again finds it sent and sends nothing. A failed send is recorded too,
with its error, and becomes `sent` when a retry (the bus's) or a resend (staff's) succeeds.
"""

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from contexts.notifications.domain.emails import Email, Template
from contexts.notifications.domain.errors import ResendRefused
from shared_kernel.domain.aggregate import AggregateRoot

ERROR_LIMIT = 2000  # characters of an error kept: the start says what went wrong


class DeliveryStatus(enum.StrEnum):
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class EventRef:
    """The integration event an email answers."""

    event_id: uuid.UUID
    event_type: str


class EmailDelivery(AggregateRoot):
    """One event's email: to whom, with which template, sent or failed, after how many tries."""

    def __init__(
        self,
        *,
        id: uuid.UUID,
        event: EventRef,
        template: Template,
        recipient: str,
        context: dict[str, str],
        status: DeliveryStatus,
        attempts: int,
        last_error: str,
        sent_at: datetime | None,
        created_at: datetime,
        version: int = 0,
    ) -> None:
        super().__init__(version=version)
        self.id = id
        self.event = event
        self.template = template
        self.recipient = recipient
        self.context = context
        self.status = status
        self.attempts = attempts
        self.last_error = last_error
        self.sent_at = sent_at
        self.created_at = created_at

    @classmethod
    def sent_now(cls, *, event: EventRef, email: Email, at: datetime) -> "EmailDelivery":
        """The first attempt went out."""
        entry = cls._first(event=event, email=email, at=at, status=DeliveryStatus.SENT)
        entry.sent_at = at
        return entry

    @classmethod
    def failed_now(
        cls, *, event: EventRef, email: Email, error: str, at: datetime
    ) -> "EmailDelivery":
        """The first attempt failed with `error` (which quotes no secret)."""
        entry = cls._first(event=event, email=email, at=at, status=DeliveryStatus.FAILED)
        entry.last_error = _kept(error)
        return entry

    @classmethod
    def _first(
        cls, *, event: EventRef, email: Email, at: datetime, status: DeliveryStatus
    ) -> "EmailDelivery":
        return cls(
            id=uuid.uuid4(),
            event=event,
            template=email.template,
            recipient=email.to,
            context=email.storable_context(),
            status=status,
            attempts=1,
            last_error="",
            sent_at=None,
            created_at=at,
        )

    @property
    def is_sent(self) -> bool:
        return self.status == DeliveryStatus.SENT

    def record_sent(self, *, at: datetime) -> None:
        self.attempts += 1
        self.status = DeliveryStatus.SENT
        self.sent_at = at
        self.last_error = ""

    def record_failure(self, error: str) -> None:
        self.attempts += 1
        self.status = DeliveryStatus.FAILED
        self.last_error = _kept(error)

    def email_to_resend(self) -> Email:
        """The email again, from what was kept; a secret one cannot be rebuilt."""
        if self.template.secret_keys:
            raise ResendRefused(
                "A password reset email carries a single-use link that is never stored; "
                "the customer asks for a new one."
            )
        if not self.recipient:
            raise ResendRefused("This email has no recipient: the customer is unknown.")
        return Email(template=self.template, to=self.recipient, context=dict(self.context))


def _kept(error: str) -> str:
    return error[:ERROR_LIMIT]
