"""Prometheus metrics: the `/metrics` view and the platform's own counters (ARCHITECTURE.md §7).

django-prometheus already counts HTTP requests (its middleware), database queries (its DB
backends) and cache gets (`FailOpenRedisCache` inherits its Redis backend). Celery task
metrics live in `task_metrics`.

Business metrics: define them with `prometheus_client` directly, at module level in the
context that owns them, named `emporium_<context>_<what>` (a counter's name ends in
`_total`), e.g. `Counter("emporium_ordering_orders_total", "Orders by outcome", ["outcome"])`.
Labels take a few known values, never ids.

A collector that computes its samples when scraped (reading the database, say) registers
through `register_live_collector`, so it is scraped in multiprocess mode too.

Several processes (gunicorn workers, Celery's prefork children): set the environment variable
`PROMETHEUS_MULTIPROC_DIR` to an empty directory shared by the processes of one host, before
they start; each writes its samples there and `/metrics` adds them up
(prometheus_client's multiprocess mode). A worker on another host exposes nothing over HTTP:
scrape one web process per host that shares the directory with its workers.
"""

import os
import secrets

import prometheus_client
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import REGISTRY, CollectorRegistry, Counter, multiprocess
from prometheus_client.registry import Collector

CACHE_ERRORS = Counter(
    "emporium_cache_errors_total",
    "Cache operations that failed (Redis unreachable) and fell through fail-open.",
    ["operation"],
)
CACHE_SKIPPED = Counter(
    "emporium_cache_skipped_total",
    "Cache operations answered as misses without trying Redis, in the pause after a failure.",
    ["operation"],
)
THROTTLE_FAILED_OPEN = Counter(
    "emporium_throttle_failed_open_total",
    "Requests let through unthrottled because the throttle's cache failed.",
    ["scope"],
)
SIGN_IN_LOCKOUTS = Counter(
    "emporium_sign_in_lockouts_total",
    "Sign-in lockouts begun after repeated failures, by door (api, admin) and by what is "
    "locked (account, ip).",
    ["door", "scope"],
)
SIGN_IN_REFUSED_LOCKED = Counter(
    "emporium_sign_in_refused_locked_total",
    "Sign-in attempts refused, unchecked, because the account or the client IP was locked out.",
    ["door"],
)


_live_collectors: list[Collector] = []


def register_live_collector(collector: Collector) -> None:
    """A collector computed at scrape time: scraped whether or not processes share a dir."""
    REGISTRY.register(collector)
    _live_collectors.append(collector)


@never_cache
def export(request: HttpRequest) -> HttpResponse:
    """Open in development; in production (DEBUG off) only with `Bearer <METRICS_TOKEN>`."""
    if settings.DEBUG:
        return _exposition()
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        response = HttpResponse("Metrics need a bearer token.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if not secrets.compare_digest(token.encode(), settings.METRICS_TOKEN.encode()):
        return HttpResponse("Wrong metrics token.\n", status=403)
    return _exposition()


def _exposition() -> HttpResponse:
    page = prometheus_client.generate_latest(_scrape_registry())
    return HttpResponse(page, content_type=prometheus_client.CONTENT_TYPE_LATEST)


def _scrape_registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    for collector in _live_collectors:
        registry.register(collector)
    return registry
