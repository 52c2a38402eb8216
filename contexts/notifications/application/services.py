"""Notifications' use cases, wired once: the ports they take, the set they form, and where
the subscribers, the admin and the beat task fetch them.

`compose_use_cases(ports)` is the one composition function: `bootstrap.py` passes Django's
adapters, `tests/notifications/fakes.py` in-memory fakes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from contexts.notifications.application.emails import ContactOf, ResetUrl
from contexts.notifications.application.ports import DeliveryLog, FailedSendNotes, Mailer
from contexts.notifications.application.use_cases import (
    NewUnitOfWork,
    PruneDeliveryLog,
    RecordFailedSend,
    ResendEmail,
    SendEventEmail,
)
from shared_kernel.application.clock import Clock
from shared_kernel.application.provider import Provider
from shared_kernel.application.wiring import compose


@dataclass(frozen=True, kw_only=True, slots=True)
class NotificationsPorts:
    uow: NewUnitOfWork
    log: DeliveryLog
    mailer: Mailer
    failures: FailedSendNotes
    clock: Clock
    contact_of: ContactOf
    reset_url: ResetUrl
    retention: Callable[[], timedelta]


@dataclass(frozen=True, slots=True)
class NotificationsUseCases:
    send_event_email: SendEventEmail
    record_failed_send: RecordFailedSend
    resend_email: ResendEmail
    prune_delivery_log: PruneDeliveryLog


def compose_use_cases(ports: NotificationsPorts) -> NotificationsUseCases:
    return compose(NotificationsUseCases, ports)


notifications_use_cases = Provider[NotificationsUseCases]("Notifications' use cases")
