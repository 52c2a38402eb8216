"""A plain Celery task, no bus: the baseline `bench/outbox_relay.py` sets beside its end to end.

It writes the same single Effect row `record_worker_probe` writes, without the outbox, the
inbox or the delivery row around it. Found by the worker through Celery's autodiscovery
(`config/celery.py`: a `tasks` module in every installed app; the test app is installed by
`tests/messaging_testapp/settings.py`).
"""

import uuid

from celery import shared_task

from tests.messaging_testapp.models import Effect

PLAIN_PROBE_TASK = "messaging_testapp.record_plain_probe"


@shared_task(name=PLAIN_PROBE_TASK, acks_late=True, ignore_result=True)
def record_plain_probe(event_id: str, run: str) -> None:
    """One INSERT, as the bus's subscriber does, in Django's autocommit."""
    Effect.objects.create(event_id=uuid.UUID(event_id), subscriber=PLAIN_PROBE_TASK, value=run)
