"""`manage.py publish_probes N RUN`: publish N WorkerProbed events in one unit of work."""

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork
from tests.messaging_testapp.events import WorkerProbed


class Command(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int)
        parser.add_argument("run")

    def handle(self, *args: Any, **options: Any) -> None:
        with DjangoUnitOfWork() as uow:
            for _ in range(options["count"]):
                probe_id = uuid.uuid4()
                uow.publish(
                    WorkerProbed(probe_id=probe_id, run=options["run"]), aggregate_id=str(probe_id)
                )
