"""Test subscribers: each records an Effect in the transaction the bus gives it."""

import os
import time

from contexts.identity.contracts import UserRegistered
from shared_kernel.messaging.envelope import Envelope
from tests.messaging_testapp.events import WorkerProbed
from tests.messaging_testapp.models import Effect

WORKER_SUBSCRIBER = "messaging_testapp.record_worker_probe"
REGISTRATION_SUBSCRIBER = "messaging_testapp.record_registration"


POISON_RUN = "poison"
LINGER_RUN = "linger"


def record_worker_probe(event: WorkerProbed, envelope: Envelope) -> None:
    """Slow enough (HANDLER_SLEEP_SECONDS) that a kill lands in the middle of a batch.

    A probe of the `poison` run kills the worker process running it, as a segfault or the
    OOM killer would, after noting the run in MESSAGING_TESTAPP_CRASH_LOG. A probe of the
    `linger` run writes its effect first and sleeps after, so a worker stopped meanwhile
    holds a written, uncommitted effect (the shutdown tests).
    """
    if event.run == POISON_RUN:
        with open(os.environ["MESSAGING_TESTAPP_CRASH_LOG"], "a") as crashes:
            crashes.write(f"{envelope.event_id}\n")
        os._exit(1)
    if event.run == LINGER_RUN:
        Effect.objects.create(
            event_id=envelope.event_id, subscriber=WORKER_SUBSCRIBER, value=event.run
        )
    time.sleep(float(os.environ.get("MESSAGING_TESTAPP_HANDLER_SLEEP", "0")))
    if event.run != LINGER_RUN:
        Effect.objects.create(
            event_id=envelope.event_id, subscriber=WORKER_SUBSCRIBER, value=event.run
        )


def record_registration(event: UserRegistered, envelope: Envelope) -> None:
    """A real context's event, published by a real request, seen by a real worker."""
    Effect.objects.create(
        event_id=envelope.event_id, subscriber=REGISTRATION_SUBSCRIBER, value=event.email
    )
