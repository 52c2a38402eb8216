"""In-memory fakes of notifications' ports, and the use cases composed on them as the app
composes them on Django's adapters (`compose_use_cases`)."""

import copy
import uuid
from datetime import datetime, timedelta

from contexts.identity.contracts import CustomerContact
from contexts.notifications.application.ports import (
    DeliveryLog,
    FailedSend,
    FailedSendNotes,
    Mailer,
    MailNotSent,
)
from contexts.notifications.application.services import (
    NotificationsPorts,
    NotificationsUseCases,
    compose_use_cases,
)
from contexts.notifications.domain.delivery_log import EmailDelivery
from contexts.notifications.domain.emails import Email
from contexts.notifications.domain.errors import DeliveryNotFound
from tests.support.fakes import FakeClock, FakeUnitOfWork, InMemoryRepository

RESET_URL = "https://shop.example.com/reset?token={token}"


class InMemoryDeliveryLog(InMemoryRepository[EmailDelivery], DeliveryLog):
    def get(self, delivery_id: uuid.UUID) -> EmailDelivery:
        found = self._load(str(delivery_id))
        if found is None:
            raise DeliveryNotFound(f"No email delivery with id {delivery_id}.")
        return found

    def find_for_event(self, event_id: uuid.UUID) -> EmailDelivery | None:
        return next((e for e in self._all() if e.event.event_id == event_id), None)

    def add(self, entry: EmailDelivery) -> None:
        if self.find_for_event(entry.event.event_id) is not None:
            raise AssertionError("one entry per event: the unique index would refuse it")
        self._insert(entry)

    def save(self, entry: EmailDelivery) -> None:
        self._update(entry)

    def prune(self, *, created_before: datetime) -> int:
        old = [key for key, e in self.entries().items() if e.created_at < created_before]
        for key in old:
            del self.rows[key]
        return len(old)

    def entries(self) -> dict[str, EmailDelivery]:
        return {k: copy.deepcopy(v) for k, v in self.rows.items() if isinstance(v, EmailDelivery)}

    def only(self) -> EmailDelivery:
        (entry,) = self.entries().values()
        return entry


class RecordingMailer(Mailer):
    """Keeps what it sent; `failing = "…"` makes every send fail with that error."""

    def __init__(self) -> None:
        self.sent: list[Email] = []
        self.failing: str | None = None

    def send(self, email: Email) -> None:
        if self.failing is not None:
            raise MailNotSent(self.failing)
        self.sent.append(email)


class KeptFailureNotes(FailedSendNotes):
    def __init__(self) -> None:
        self.noted: list[FailedSend] = []

    def note(self, failure: FailedSend) -> None:
        self.noted.append(failure)


class NotificationsFakes:
    """Every port faked; `use_cases()` composes them as the app does."""

    RETENTION = timedelta(days=90)

    def __init__(self) -> None:
        self.log = InMemoryDeliveryLog()
        self.uow = FakeUnitOfWork(stores=[self.log])
        self.mailer = RecordingMailer()
        self.failures = KeptFailureNotes()
        self.clock = FakeClock()
        self.contacts: dict[uuid.UUID, CustomerContact] = {}

    def customer(self, email: str = "ann@example.com", full_name: str = "Ann Lee") -> uuid.UUID:
        contact = CustomerContact(id=uuid.uuid4(), email=email, full_name=full_name)
        self.contacts[contact.id] = contact
        return contact.id

    def use_cases(self) -> NotificationsUseCases:
        return compose_use_cases(
            NotificationsPorts(
                uow=self.uow.factory,
                log=self.log,
                mailer=self.mailer,
                failures=self.failures,
                clock=self.clock,
                contact_of=self.contacts.get,
                reset_url=lambda token: RESET_URL.format(token=token),
                retention=lambda: self.RETENTION,
            )
        )

    def record_noted_failures(self) -> None:
        """What the app does once the failed send's transaction has rolled back."""
        noted, self.failures.noted = self.failures.noted, []
        for failure in noted:
            self.use_cases().record_failed_send(failure)
