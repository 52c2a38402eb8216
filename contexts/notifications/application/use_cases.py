"""Notifications' use cases: each a frozen dataclass of the ports it needs, called with the
command's fields. `services.compose_use_cases` builds them all."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from contexts.notifications.application.emails import (
    TEMPLATE_OF,
    ContactOf,
    RecipientUnknown,
    ResetUrl,
    email_for,
)
from contexts.notifications.application.ports import (
    DeliveryLog,
    FailedSend,
    FailedSendNotes,
    Mailer,
    MailNotSent,
)
from contexts.notifications.domain.delivery_log import EmailDelivery, EventRef
from contexts.notifications.domain.emails import Email
from shared_kernel.application.clock import Clock
from shared_kernel.application.unit_of_work import UnitOfWork
from shared_kernel.domain.events import IntegrationEvent

NewUnitOfWork = Callable[[], UnitOfWork]


@dataclass(frozen=True, kw_only=True, slots=True)
class SendEventEmail:
    """Send the email an event asks for, once, and log it.

    The bus calls it inside the transaction that records the event's inbox row, so the log
    entry commits with that row: an event delivered again finds it and sends nothing. A
    crash after the send and before that commit sends the email again on redelivery: the
    stated at-least-once (ARCHITECTURE.md §3). A failed send is noted, to be recorded once
    this transaction has rolled back, and raised, so the bus retries it (ADR 0029). A
    customer identity does not know gets no email and no retry: the entry says why.
    """

    uow: NewUnitOfWork
    log: DeliveryLog
    mailer: Mailer
    failures: FailedSendNotes
    clock: Clock
    contact_of: ContactOf
    reset_url: ResetUrl

    def __call__(self, *, event: IntegrationEvent, event_id: uuid.UUID) -> EmailDelivery:
        ref = EventRef(event_id=event_id, event_type=event.event_type)
        with self.uow():
            entry = self.log.find_for_event(event_id)
            if entry is not None and entry.is_sent:
                return entry
            try:
                email = email_for(event, contact_of=self.contact_of, reset_url=self.reset_url)
            except RecipientUnknown as unknown:
                nobody = Email(template=TEMPLATE_OF[type(event)], to="")
                return self._failed(entry, ref, nobody, unknown.detail)
            try:
                self.mailer.send(email)
            except MailNotSent as error:
                error_text = email.redacted(str(error))
                self.failures.note(FailedSend(ref, email, error_text, self.clock()))
                raise
            return self._sent(entry, ref, email)

    def _sent(self, entry: EmailDelivery | None, ref: EventRef, email: Email) -> EmailDelivery:
        if entry is None:
            entry = EmailDelivery.sent_now(event=ref, email=email, at=self.clock())
            self.log.add(entry)
        else:
            entry.record_sent(at=self.clock())
            self.log.save(entry)
        return entry

    def _failed(
        self, entry: EmailDelivery | None, ref: EventRef, email: Email, error: str
    ) -> EmailDelivery:
        if entry is None:
            entry = EmailDelivery.failed_now(event=ref, email=email, error=error, at=self.clock())
            self.log.add(entry)
        else:
            entry.record_failure(error)
            self.log.save(entry)
        return entry


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordFailedSend:
    """Write down a send that failed in a subscriber's (rolled back) transaction.

    A retry that went out meanwhile has the last word: a sent entry stays sent.
    """

    uow: NewUnitOfWork
    log: DeliveryLog

    def __call__(self, failure: FailedSend) -> EmailDelivery:
        with self.uow():
            entry = self.log.find_for_event(failure.event.event_id)
            if entry is None:
                entry = EmailDelivery.failed_now(
                    event=failure.event, email=failure.email, error=failure.error, at=failure.at
                )
                self.log.add(entry)
            elif not entry.is_sent:
                entry.record_failure(failure.error)
                self.log.save(entry)
            return entry


@dataclass(frozen=True, kw_only=True, slots=True)
class ResendEmail:
    """Staff send a logged email again (the customer never got it). The entry counts the
    attempt and says how it went; a password reset is refused: its link was never kept."""

    uow: NewUnitOfWork
    log: DeliveryLog
    mailer: Mailer
    clock: Clock

    def __call__(self, *, delivery_id: uuid.UUID) -> EmailDelivery:
        with self.uow():
            entry = self.log.get(delivery_id)
            email = entry.email_to_resend()
            try:
                self.mailer.send(email)
            except MailNotSent as error:
                entry.record_failure(str(error))
            else:
                entry.record_sent(at=self.clock())
            self.log.save(entry)
        return entry


@dataclass(frozen=True, kw_only=True, slots=True)
class PruneDeliveryLog:
    """Forget log entries older than the retention (NOTIFICATION_LOG_RETENTION_DAYS)."""

    uow: NewUnitOfWork
    log: DeliveryLog
    clock: Clock
    retention: Callable[[], timedelta]

    def __call__(self) -> int:
        with self.uow():
            return self.log.prune(created_before=self.clock() - self.retention())
