import os

from django.apps import AppConfig


class MessagingTestappConfig(AppConfig):
    """Installed only in the worker processes the bus's tests start (see settings.py here).

    The test process declares the same subscriber itself, on a queue of its own, for the
    duration of one test; the worker only needs the handler under the same name.
    """

    name = "tests.messaging_testapp"
    label = "messaging_testapp"

    def ready(self) -> None:
        from contexts.identity.contracts import UserRegistered
        from shared_kernel.messaging.bus import subscribe
        from tests.messaging_testapp.events import WorkerProbed
        from tests.messaging_testapp.handlers import (
            REGISTRATION_SUBSCRIBER,
            WORKER_SUBSCRIBER,
            record_registration,
            record_worker_probe,
        )

        queue = os.environ.get("MESSAGING_TESTAPP_QUEUE", "messaging_testapp")
        subscribe(WorkerProbed, record_worker_probe, name=WORKER_SUBSCRIBER, queue=queue)
        subscribe(UserRegistered, record_registration, name=REGISTRATION_SUBSCRIBER, queue=queue)
