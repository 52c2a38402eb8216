"""Celery task metrics, by task name, fed by Celery's signals (ARCHITECTURE.md §7).

`emporium_celery_tasks_{started,succeeded,failed,retried}_total{task}` and
`emporium_celery_task_runtime_seconds{task}` (a histogram, success or failure alike).
Connected once by `config.celery`, so every process that loads the Celery app counts the
tasks it runs (eager tasks included). Prefork children count in their own process: see
`metrics` for `PROMETHEUS_MULTIPROC_DIR`.
"""

import time
from typing import Any

from celery import signals
from prometheus_client import Counter, Histogram

TASKS_STARTED = Counter("emporium_celery_tasks_started_total", "Tasks started.", ["task"])
TASKS_SUCCEEDED = Counter("emporium_celery_tasks_succeeded_total", "Tasks succeeded.", ["task"])
TASKS_FAILED = Counter("emporium_celery_tasks_failed_total", "Tasks that raised.", ["task"])
TASKS_RETRIED = Counter("emporium_celery_tasks_retried_total", "Task retries.", ["task"])
TASK_RUNTIME = Histogram(
    "emporium_celery_task_runtime_seconds",
    "Wall time of a task run, whatever its outcome.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)

_STARTED_AT = "_emporium_started_at"


def connect_task_metrics() -> None:
    """Idempotent: Celery's dispatcher keys receivers by `dispatch_uid`."""
    signals.task_prerun.connect(_on_prerun, weak=False, dispatch_uid="emporium-metrics-prerun")
    signals.task_postrun.connect(_on_postrun, weak=False, dispatch_uid="emporium-metrics-postrun")
    signals.task_success.connect(_on_success, weak=False, dispatch_uid="emporium-metrics-ok")
    signals.task_failure.connect(_on_failure, weak=False, dispatch_uid="emporium-metrics-failed")
    signals.task_retry.connect(_on_retry, weak=False, dispatch_uid="emporium-metrics-retried")


def _name(task: Any) -> str:
    return str(getattr(task, "name", None) or "unknown")


def _on_prerun(*, task: Any, **_: Any) -> None:
    TASKS_STARTED.labels(task=_name(task)).inc()
    setattr(task.request, _STARTED_AT, time.perf_counter())


def _on_postrun(*, task: Any, **_: Any) -> None:
    started_at = getattr(task.request, _STARTED_AT, None)
    if started_at is not None:
        TASK_RUNTIME.labels(task=_name(task)).observe(time.perf_counter() - started_at)


def _on_success(*, sender: Any, **_: Any) -> None:
    TASKS_SUCCEEDED.labels(task=_name(sender)).inc()


def _on_failure(*, sender: Any, **_: Any) -> None:
    TASKS_FAILED.labels(task=_name(sender)).inc()


def _on_retry(*, sender: Any, **_: Any) -> None:
    TASKS_RETRIED.labels(task=_name(sender)).inc()
