"""The outbox seen from outside: the `/health/ready` check and the `/metrics` collector.

Both read the database when asked (a probe, a scrape), so the figures are the same from
every process: web, worker and beat share no memory, but they share the outbox tables.
A lagging outbox is `degraded`, never unavailable: orders are still taken and the outbox
keeps their events (ARCHITECTURE.md §5).
"""

from collections.abc import Iterator

import structlog
from django.db import DatabaseError
from django.db.models import Sum
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from shared_kernel.messaging import operations
from shared_kernel.messaging.models import Delivery
from shared_kernel.observability.health import CheckResult
from shared_kernel.observability.metrics import register_live_collector

logger = structlog.get_logger(__name__)


def outbox_check() -> CheckResult:
    """Ready unless a delivery has waited to start past OUTBOX_LAG_THRESHOLD_SECONDS."""
    try:
        current = operations.status()
    except DatabaseError as error:
        return CheckResult(ok=False, detail={"error": type(error).__name__})
    return CheckResult(
        ok=not current.lagging(),
        detail={
            "waiting": current.waiting,
            "running": current.running,
            "dead": current.dead,
            "oldest_waiting_age_seconds": current.oldest_waiting_age_seconds,
            "oldest_running_age_seconds": current.oldest_running_age_seconds,
        },
    )


class OutboxCollector(Collector):
    """Outbox figures read at scrape time; a database that cannot answer yields none."""

    def describe(self) -> Iterator[GaugeMetricFamily]:
        return iter(_families())

    def collect(self) -> Iterator[GaugeMetricFamily]:
        families = _families()
        try:
            _fill(*families)
        except DatabaseError as error:
            logger.warning("outbox_metrics_unavailable", error=repr(error))
            return iter(())
        return iter(families)


def _families() -> tuple[GaugeMetricFamily, ...]:
    return (
        GaugeMetricFamily(
            "emporium_outbox_lag_seconds",
            "Age of the oldest delivery waiting for a worker to start it (0 when none waits).",
        ),
        GaugeMetricFamily(
            "emporium_outbox_pending_deliveries",
            "Deliveries waiting for a worker to start them (pending or handed over).",
        ),
        GaugeMetricFamily(
            "emporium_outbox_oldest_running_seconds",
            "Age of the oldest run in progress (0 when none runs).",
        ),
        GaugeMetricFamily("emporium_outbox_dead_letters", "Dead-lettered deliveries."),
        GaugeMetricFamily(
            "emporium_outbox_deliveries", "Deliveries kept, by status.", labels=["status"]
        ),
        GaugeMetricFamily(
            "emporium_outbox_subscriber_failures",
            "Failed attempts recorded on the deliveries kept, by subscriber.",
            labels=["subscriber"],
        ),
    )


def _fill(
    lag: GaugeMetricFamily,
    pending: GaugeMetricFamily,
    running: GaugeMetricFamily,
    dead: GaugeMetricFamily,
    by_status: GaugeMetricFamily,
    failures: GaugeMetricFamily,
) -> None:
    current = operations.status()
    lag.add_metric([], current.oldest_waiting_age_seconds or 0.0)
    pending.add_metric([], current.waiting)
    running.add_metric([], current.oldest_running_age_seconds or 0.0)
    dead.add_metric([], current.dead)
    for status in Delivery.Status:
        by_status.add_metric([status.value], getattr(current, status.value))
    failing = (
        Delivery.objects.filter(failures__gt=0)
        .values("subscriber")
        .annotate(total=Sum("failures"))
        .values_list("subscriber", "total")
    )
    for subscriber, total in failing:
        failures.add_metric([subscriber], total)


_collector: OutboxCollector | None = None


def register_collector() -> None:
    """Add the outbox figures to the default registry, once per process."""
    global _collector
    if _collector is None:
        _collector = OutboxCollector()
        register_live_collector(_collector)
