"""/metrics: open in development, bearer `METRICS_TOKEN` in production; Celery task metrics."""

import pytest
from django.test import Client
from django_prometheus.middleware import Metrics

from config.celery import app
from shared_kernel.observability import task_metrics
from tests.shared_kernel.observability.prometheus import sample_value

pytestmark = pytest.mark.django_db  # some collectors (the outbox's) read the database

TOKEN = "a-long-random-metrics-token"


@pytest.fixture
def production(settings) -> None:
    settings.DEBUG = False
    settings.METRICS_TOKEN = TOKEN


def test_metrics_are_open_in_development(settings) -> None:
    settings.DEBUG = True
    Client().get("/health/live")

    response = Client().get("/metrics")

    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_requests_total_by_method_total" in text
    assert "# HELP emporium_cache_errors_total" in text
    assert "# HELP emporium_celery_tasks_started_total" in text


def test_http_metrics_count_and_time_each_view_by_method_and_status(settings) -> None:
    settings.DEBUG = True
    Client().get("/health/live")
    Client().get("/api/v1/nope")

    text = Client().get("/metrics").content.decode()

    assert (
        'django_http_responses_total_by_status_view_method_total{method="GET",status="200",'
        'view="health-live"}'
    ) in text
    assert 'status="404",view="<unnamed view>"' in text
    assert (
        'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="health-live"}'
        in text
    )


def test_production_metrics_without_a_token_are_401(production: None) -> None:
    response = Client().get("/metrics")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"django_http" not in response.content


def test_production_metrics_with_a_wrong_token_are_403(production: None) -> None:
    response = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")

    assert response.status_code == 403
    assert b"django_http" not in response.content


def test_production_metrics_with_the_token_are_served(production: None) -> None:
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"django_http_requests_total_by_method_total" in response.content


@app.task(name="tests.metrics.succeeds")
def succeeds() -> str:
    return "done"


@app.task(name="tests.metrics.fails")
def fails() -> None:
    raise ValueError("nope")


@app.task(bind=True, name="tests.metrics.retries_once", max_retries=1)
def retries_once(self) -> str:
    if self.request.retries == 0:
        raise self.retry(countdown=0)
    return "second time lucky"


def counts(task: str) -> dict[str, float]:
    return {
        outcome: sample_value(metric, f"emporium_celery_tasks_{outcome}_total", task=task)
        for outcome, metric in (
            ("started", task_metrics.TASKS_STARTED),
            ("succeeded", task_metrics.TASKS_SUCCEEDED),
            ("failed", task_metrics.TASKS_FAILED),
            ("retried", task_metrics.TASKS_RETRIED),
        )
    }


def runtimes(task: str) -> float:
    return sample_value(
        task_metrics.TASK_RUNTIME, "emporium_celery_task_runtime_seconds_count", task=task
    )


def delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {key: after[key] - before[key] for key in before}


def test_a_task_that_succeeds_is_counted_and_timed() -> None:
    before, timed = counts(succeeds.name), runtimes(succeeds.name)

    succeeds.apply()

    assert delta(before, counts(succeeds.name)) == {
        "started": 1,
        "succeeded": 1,
        "failed": 0,
        "retried": 0,
    }
    assert runtimes(succeeds.name) == timed + 1


def test_a_task_that_raises_is_counted_as_failed_and_timed() -> None:
    before, timed = counts(fails.name), runtimes(fails.name)

    fails.apply(throw=False)

    assert delta(before, counts(fails.name)) == {
        "started": 1,
        "succeeded": 0,
        "failed": 1,
        "retried": 0,
    }
    assert runtimes(fails.name) == timed + 1


def test_a_retry_is_counted_beside_both_runs() -> None:
    before = counts(retries_once.name)

    result = retries_once.apply(throw=False)  # eager: the retry runs at once, inside it

    assert result.result == "second time lucky"
    assert delta(before, counts(retries_once.name)) == {
        "started": 2,
        "succeeded": 1,
        "failed": 0,
        "retried": 1,
    }


@pytest.mark.urls("tests.shared_kernel.api.urls")
def test_an_exception_in_a_view_is_counted_by_type_and_view_and_its_500_too(settings) -> None:
    settings.DEBUG = True
    view = "tests.shared_kernel.api.urls.plain_crash"
    metrics = Metrics.get_instance()
    by_type = metrics.exceptions_by_type
    by_view = metrics.exceptions_by_view
    before = (
        sample_value(by_type, "django_http_exceptions_total_by_type_total", type="RuntimeError"),
        sample_value(by_view, "django_http_exceptions_total_by_view_total", view=view),
    )

    Client(raise_request_exception=False).get("/outside/plain-crash")

    after = (
        sample_value(by_type, "django_http_exceptions_total_by_type_total", type="RuntimeError"),
        sample_value(by_view, "django_http_exceptions_total_by_view_total", view=view),
    )
    assert after == (before[0] + 1, before[1] + 1)
    text = Client().get("/metrics").content.decode()
    assert f'method="GET",status="500",view="{view}"' in text
