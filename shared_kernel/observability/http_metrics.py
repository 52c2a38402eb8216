"""HTTP metrics under django-prometheus' names, from one middleware (ADR 0022).

django-prometheus counts a request twice, in a middleware before every other and one after:
two layers and a dozen counter and histogram updates per request. One middleware, first in
`MIDDLEWARE`, records what dashboards and alerts read, under django-prometheus' own metric
names: requests and responses and their latency including every middleware, responses by
status, view and method, latency by view and method (from the same start: what the client
waited for), exceptions by type and view. Dropped: the request and response body-size
histograms, and the counters by transport, charset, AJAX, streaming and template, which no
alert or dashboard of ours reads. The labelled children of a (view, method, status) are
resolved once per process, not on every request.
"""

from collections.abc import Callable
from functools import lru_cache
from timeit import default_timer
from typing import Any

from django.http import HttpRequest, HttpResponse
from django_prometheus.middleware import Metrics

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"})
UNNAMED_VIEW = "<unnamed view>"


class HttpMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.metrics = Metrics.get_instance()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = default_timer()
        self.metrics.requests_total.inc()
        response = self.get_response(request)
        elapsed = default_timer() - started
        self.metrics.responses_total.inc()
        self.metrics.requests_latency_before.observe(elapsed)
        status_counter, latency = _labelled(
            _view_name(request), _method(request), str(response.status_code)
        )
        status_counter.inc()
        latency.observe(elapsed)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        """Counted here; the 500 Django makes of it is counted with the other responses."""
        self.metrics.exceptions_by_type.labels(type=type(exception).__name__).inc()
        self.metrics.exceptions_by_view.labels(view=_view_name(request)).inc()


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match is not None else None) or UNNAMED_VIEW


def _method(request: HttpRequest) -> str:
    return request.method if request.method in _METHODS else "<invalid method>"


@lru_cache(maxsize=4096)
def _labelled(view: str, method: str, status: str) -> tuple[Any, Any]:
    metrics = Metrics.get_instance()
    return (
        metrics.responses_by_status_view_method.labels(status=status, view=view, method=method),
        metrics.requests_latency_by_view_method.labels(view=view, method=method),
    )
