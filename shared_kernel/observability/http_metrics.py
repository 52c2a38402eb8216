"""django-prometheus's HTTP middleware, tuned for what it costs on every request (ADR 0022).

Kept, under django-prometheus's own metric names (so its dashboards work): requests and
their latency including every middleware (`PrometheusBeforeMiddleware`, unchanged),
responses by status, view and method, latency by view and method, exceptions by type and
view. Dropped: the request and response body-size histograms, and the counters by
transport, charset, AJAX and streaming, which no alert or dashboard of ours reads and
which cost a histogram or a labelled counter each on every request. The labels of a
(view, method, status) are resolved once per process, not on every request.
"""

from functools import lru_cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django_prometheus.middleware import Metrics, PrometheusAfterMiddleware
from django_prometheus.utils import Time, TimeSince

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"})


class HttpMetricsMiddleware(PrometheusAfterMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        request.prometheus_after_middleware_event = Time()  # type: ignore[attr-defined]

    def process_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        """Labels are taken when the response is done: nothing to record here."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        view, method = self._get_view_name(request), _method(request)
        status_counter, latency = _labelled(view, method, str(response.status_code))
        status_counter.inc()
        started = getattr(request, "prometheus_after_middleware_event", None)
        if started is not None:
            latency.observe(TimeSince(started))
        return response


def _method(request: HttpRequest) -> str:
    return request.method if request.method in _METHODS else "<invalid method>"


@lru_cache(maxsize=4096)
def _labelled(view: str, method: str, status: str) -> tuple[Any, Any]:
    metrics = Metrics.get_instance()
    return (
        metrics.responses_by_status_view_method.labels(status=status, view=view, method=method),
        metrics.requests_latency_by_view_method.labels(view=view, method=method),
    )
