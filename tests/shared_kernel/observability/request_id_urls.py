"""A test-only view that enqueues a task on a throwaway Celery app over kombu's memory broker."""

import structlog
from celery import Celery
from django.http import HttpRequest, JsonResponse
from django.urls import path

probe_app = Celery("request-id-probe", broker="memory://", set_as_current=False)
probe_app.conf.update(
    task_default_queue="probe",
    task_ignore_result=True,
    worker_hijack_root_logger=False,
    accept_content=["json"],
)
seen_in_task: list[dict[str, object]] = []


@probe_app.task(name="tests.request_id_probe")
def remember_log_context() -> None:
    """Records what every log line written now would carry (structlog's contextvars)."""
    seen_in_task.append(dict(structlog.contextvars.get_contextvars()))


def enqueue(request: HttpRequest) -> JsonResponse:
    remember_log_context.delay()
    return JsonResponse({"request_id": structlog.contextvars.get_contextvars()["request_id"]})


urlpatterns = [path("api/test/enqueue", enqueue)]
