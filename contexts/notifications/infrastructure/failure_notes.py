"""Failed sends recorded after the transaction they happened in has rolled back (ADR 0029).

A subscriber runs inside the bus's transaction with its inbox row; when its send fails it
raises, so the bus retries it, and everything written in that transaction is rolled back.
The failure is noted here, in this process, and recorded in a transaction of its own when
the Celery task that ran the subscriber ends (`task_postrun`, after the bus has settled the
delivery: no transaction is open then). A worker killed between the two loses the note,
never the email: the bus still has the delivery, its attempts and its error, and retries it.
"""

import threading
from typing import Any

import structlog
from celery.signals import task_postrun

from contexts.notifications.application.ports import FailedSend, FailedSendNotes
from contexts.notifications.application.services import notifications_use_cases

logger = structlog.get_logger(__name__)

DELIVER_TASK = "shared_kernel.messaging.deliver"  # the bus's task that runs async subscribers


class _Pending(threading.local):
    def __init__(self) -> None:
        self.failures: list[FailedSend] = []


_pending = _Pending()


class AfterTaskFailureNotes(FailedSendNotes):
    def note(self, failure: FailedSend) -> None:
        _pending.failures.append(failure)


def record_noted_failures() -> None:
    """Record, each in its own transaction, the failures noted in this thread."""
    noted, _pending.failures = _pending.failures, []
    for failure in noted:
        notifications_use_cases().record_failed_send(failure)
        logger.warning(
            "email_send_failed",
            event_id=str(failure.event.event_id),
            template=failure.email.template.value,
            error=failure.error,
        )


def forget_noted_failures() -> None:
    """Tests: drop what a test noted and never recorded."""
    _pending.failures = []


def _after_task(sender: Any = None, **_: Any) -> None:
    if getattr(sender, "name", None) == DELIVER_TASK:
        record_noted_failures()


def connect() -> None:
    task_postrun.connect(_after_task, weak=False, dispatch_uid="notifications.failed_sends")
