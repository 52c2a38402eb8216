"""The request id travels into Celery: in the task's headers, then bound in the task's logs (§7).

Proven end to end on a throwaway app (kombu's memory broker, an in-process solo worker) that
boots the same django-structlog worker step as `config.celery`: the view enqueues during a
request, django-structlog's publish hook writes the request id into the message headers, the
worker's step binds it before the task runs, and the task reads it from structlog's
contextvars, which every log line merges (`merge_contextvars` is our first processor).
"""

import time
from collections.abc import Iterator

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.test import Client
from django_structlog.celery.steps import DjangoStructLogInitStep

from config.celery import app as emporium_app
from tests.shared_kernel.observability import request_id_urls
from tests.shared_kernel.observability.request_id_urls import probe_app, seen_in_task

pytestmark = pytest.mark.urls("tests.shared_kernel.observability.request_id_urls")

WORKER_SIGNALS = {
    signals.before_task_publish: "receiver_before_task_publish",
    signals.after_task_publish: "receiver_after_task_publish",
    signals.task_prerun: "receiver_task_prerun",
    signals.task_retry: "receiver_task_retry",
    signals.task_success: "receiver_task_success",
    signals.task_failure: "receiver_task_failure",
    signals.task_revoked: "receiver_task_revoked",
    signals.task_unknown: "receiver_task_unknown",
    signals.task_rejected: "receiver_task_rejected",
}


def test_the_emporium_worker_boots_django_structlogs_step() -> None:
    assert DjangoStructLogInitStep in emporium_app.steps["worker"]


@pytest.fixture
def probe_worker() -> Iterator[None]:
    probe_app.steps["worker"].add(DjangoStructLogInitStep)
    seen_in_task.clear()
    try:
        with start_worker(probe_app, pool="solo", perform_ping_check=False) as worker:
            yield
    finally:
        _disconnect_worker_receivers(worker)
        emporium_app.set_current()
        emporium_app.set_default()


def _disconnect_worker_receivers(worker: object) -> None:
    """The step connects receivers for the whole process: leave no trace for other tests."""
    for step in getattr(worker, "steps", []):
        if isinstance(step, DjangoStructLogInitStep):
            for signal, method in WORKER_SIGNALS.items():
                signal.disconnect(getattr(step.receiver, method))


@pytest.mark.slow
def test_a_task_sent_during_a_request_logs_with_its_request_id(probe_worker: None) -> None:
    published: list[dict] = []

    def capture(headers: dict, **_: object) -> None:
        published.append(headers)

    signals.before_task_publish.connect(capture, weak=False)
    try:
        request_id = Client().get("/api/test/enqueue").json()["request_id"]
    finally:
        signals.before_task_publish.disconnect(capture)

    assert published[0]["__django_structlog__"]["request_id"] == request_id
    context = _wait_for_the_task()
    assert context["request_id"] == request_id
    assert context["task_id"] == published[0]["id"]


def _wait_for_the_task(timeout: float = 10.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while not request_id_urls.seen_in_task and time.monotonic() < deadline:
        time.sleep(0.05)
    assert request_id_urls.seen_in_task, "the worker never ran the task"
    return request_id_urls.seen_in_task[0]
