"""The Celery app: configured from Django settings (`CELERY_*`), tasks found in every app."""

import os

from celery import Celery
from celery.signals import worker_process_init
from django_structlog.celery.steps import DjangoStructLogInitStep

from shared_kernel.observability.task_metrics import connect_task_metrics
from shared_kernel.observability.tracing import (
    configure_tracing,
    instrument_celery,
    tracing_requested,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("emporium")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Workers bind the request id carried in each task's headers, so task logs carry it (§7).
app.steps["worker"].add(DjangoStructLogInitStep)
connect_task_metrics()


@worker_process_init.connect
def start_tracing_in_worker_process(**_: object) -> None:
    """Traces start per worker child: the exporter's thread would not survive the fork."""
    if tracing_requested():
        instrument_celery(configure_tracing(service_name="emporium-worker"))
