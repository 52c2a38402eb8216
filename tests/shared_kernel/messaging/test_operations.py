"""The operator's doors: admin, `manage.py outbox`, readiness, metrics and housekeeping."""

import uuid
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from prometheus_client import REGISTRY, generate_latest
from pytest_django.fixtures import Settings

from shared_kernel.messaging import bus, operations
from shared_kernel.messaging.envelope import Envelope
from shared_kernel.messaging.models import Delivery, InboxEntry, OutboxEvent
from shared_kernel.messaging.monitoring import outbox_check
from shared_kernel.messaging.serialization import MASK
from shared_kernel.messaging.testing import deliver_pending
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork
from shared_kernel.observability import health
from tests.messaging_testapp.events import EverythingProbed, ProbeHappened
from tests.messaging_testapp.models import Effect

pytestmark = pytest.mark.django_db

Handler = Callable[[ProbeHappened, Envelope], None]


class Broken(Exception):
    pass


@pytest.fixture
def switchable(subscribe: Any, settings: Settings) -> dict[str, bool]:
    """A subscriber that fails while `state["broken"]`; retries are instant and two."""
    settings.OUTBOX_RETRY_BACKOFF_SECONDS = 0
    settings.OUTBOX_MAX_ATTEMPTS = 2
    state = {"broken": True}

    def handle(event: ProbeHappened, envelope: Envelope) -> None:
        if state["broken"]:
            raise Broken("the mail server said no")
        Effect.objects.create(event_id=envelope.event_id, subscriber="t.switchable")

    subscribe(ProbeHappened, handle, name="t.switchable")
    return state


def publish(count: int = 1) -> None:
    with DjangoUnitOfWork() as uow:
        for _ in range(count):
            uow.publish(ProbeHappened(probe_id=uuid.uuid4()), aggregate_id="agg")


def command(*args: str) -> str:
    out = StringIO()
    call_command("outbox", *args, stdout=out)
    return out.getvalue()


def test_status_prints_counts_the_oldest_waiting_and_running_and_dead_letters(
    switchable: dict[str, bool],
) -> None:
    publish(2)
    deliver_pending()
    publish(2)
    running = Delivery.objects.filter(status=Delivery.Status.PENDING).first()
    assert running is not None
    Delivery.objects.filter(pk=running.pk).update(
        status=Delivery.Status.RUNNING, started_at=timezone.now() - timedelta(seconds=42)
    )

    out = command("status")

    assert "pending: 1\n" in out
    assert "running: 1\n" in out
    assert "dead: 2\n" in out
    assert "oldest waiting to start: 0." in out
    assert "oldest running: 42." in out
    assert "t.switchable ← ProbeHappened v1" in out
    assert "Broken: the mail server said no" in out


def test_replay_from_the_command_hands_dead_letters_over_again(
    switchable: dict[str, bool], effects: type[Effect]
) -> None:
    publish(2)
    deliver_pending()
    switchable["broken"] = False

    assert command("replay", "--dead", "--subscriber", "t.switchable") == "replayed: 2\n"
    deliver_pending()

    assert effects.objects.count() == 2
    assert set(Delivery.objects.values_list("status", "attempts")) == {("done", 1)}


def test_skip_from_the_command_settles_without_running(switchable: dict[str, bool]) -> None:
    publish(1)
    deliver_pending()
    delivery = Delivery.objects.get()

    assert command("skip", str(delivery.pk)) == "skipped: 1\n"
    assert Delivery.objects.get().status == "skipped"


def test_replay_and_skip_from_the_admin(
    switchable: dict[str, bool], effects: type[Effect], admin_client: Client
) -> None:
    publish(2)
    deliver_pending()
    first, second = Delivery.objects.order_by("pk")
    switchable["broken"] = False

    listing = admin_client.get("/admin/messaging/deadletter/?subscriber=t.switchable")
    replayed = admin_client.post(
        "/admin/messaging/deadletter/",
        {"action": "replay", "_selected_action": [first.pk]},
        follow=True,
    )
    skipped = admin_client.post(
        "/admin/messaging/delivery/",
        {"action": "skip", "_selected_action": [second.pk]},
        follow=True,
    )
    deliver_pending()

    assert listing.status_code == 200
    assert "the mail server said no" in listing.content.decode()
    assert "1 deliveries replayed." in replayed.content.decode()
    assert "1 deliveries skipped." in skipped.content.decode()
    assert dict(Delivery.objects.values_list("pk", "status")) == {
        first.pk: "done",
        second.pk: "skipped",
    }
    assert effects.objects.count() == 1


def test_the_admin_shows_running_deliveries_with_the_age_of_their_run(
    switchable: dict[str, bool], admin_client: Client
) -> None:
    publish(2)
    running, waiting = Delivery.objects.order_by("pk")
    Delivery.objects.filter(pk=running.pk).update(
        status=Delivery.Status.RUNNING, started_at=timezone.now() - timedelta(minutes=7)
    )
    Delivery.objects.filter(pk=waiting.pk).update(
        status=Delivery.Status.HANDED_OVER, created_at=timezone.now() - timedelta(hours=2)
    )

    listing = admin_client.get("/admin/messaging/delivery/?status=running").content.decode()
    detail = admin_client.get(f"/admin/messaging/delivery/{waiting.pk}/change/").content.decode()

    assert "7\xa0minutes" in listing
    assert f"/admin/messaging/delivery/{waiting.pk}/change/" not in listing
    assert "2\xa0hours" in detail


def test_the_admin_lists_events_and_masks_their_secrets(admin_client: Client) -> None:
    with DjangoUnitOfWork() as uow:
        uow.publish(_secretive(), aggregate_id="thing")
    event = OutboxEvent.objects.get()

    listing = admin_client.get("/admin/messaging/outboxevent/?event_type=EverythingProbed")
    detail = admin_client.get(f"/admin/messaging/outboxevent/{event.pk}/change/")
    deliveries = admin_client.get("/admin/messaging/delivery/?status=pending")

    assert listing.status_code == deliveries.status_code == 200
    assert "EverythingProbed" in listing.content.decode()
    assert MASK in detail.content.decode()
    assert "hunter2" not in detail.content.decode()


def test_readiness_is_degraded_never_unavailable_when_the_outbox_lags(
    subscribe: Any, settings: Settings
) -> None:
    subscribe(ProbeHappened, lambda event: None, name="t.slow")
    settings.OUTBOX_LAG_THRESHOLD_SECONDS = 60
    registered = health._extra_checks["outbox"]
    publish(1)
    fresh = registered.run()

    Delivery.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    lagging = registered.run()

    assert registered.critical is False
    assert fresh.ok is True
    assert lagging.ok is False
    assert lagging.detail["waiting"] == 1
    assert float(str(lagging.detail["oldest_waiting_age_seconds"])) >= 300
    assert outbox_check().ok is False


def test_metrics_show_lag_pending_dead_letters_and_failures_per_subscriber(
    switchable: dict[str, bool],
) -> None:
    publish(1)
    deliver_pending()
    publish(1)

    text = generate_latest(REGISTRY).decode()

    assert "emporium_outbox_pending_deliveries 1.0" in text
    assert "emporium_outbox_dead_letters 1.0" in text
    assert 'emporium_outbox_deliveries{status="dead"} 1.0' in text
    assert 'emporium_outbox_subscriber_failures{subscriber="t.switchable"} 2.0' in text
    assert "emporium_outbox_lag_seconds" in text


def test_housekeeping_prunes_settled_deliveries_old_events_and_inbox_rows(
    subscribe: Any, settings: Settings
) -> None:
    subscribe(ProbeHappened, lambda event: None, name="t.quick")
    publish(3)
    deliver_pending()
    old = timezone.now() - timedelta(days=settings.OUTBOX_RETENTION_DAYS + 1)
    kept, dead, pruned = Delivery.objects.order_by("pk")
    OutboxEvent.objects.update(occurred_at=old)
    Delivery.objects.filter(pk__in=[dead.pk, pruned.pk]).update(settled_at=old)
    Delivery.objects.filter(pk=dead.pk).update(status=Delivery.Status.DEAD)
    InboxEntry.objects.update(
        processed_at=timezone.now() - timedelta(days=settings.INBOX_RETENTION_DAYS + 1)
    )

    result = operations.prune()

    assert (result.deliveries, result.events, result.inbox_entries) == (1, 1, 3)
    assert set(Delivery.objects.values_list("pk", flat=True)) == {kept.pk, dead.pk}
    assert OutboxEvent.objects.count() == 2


def test_the_catalog_lists_each_event_with_its_publisher_and_subscribers(
    subscribe: Any,
) -> None:
    subscribe(ProbeHappened, lambda event: None, name="t.catalogued", mode="inline")

    entry = next(e for e in bus.catalog() if e.event_type == "ProbeHappened")
    out = command("catalog")

    assert entry.publisher == "tests.messaging_testapp.events"
    assert [s.name for s in entry.subscribers] == ["t.catalogued"]
    assert "→ t.catalogued [inline, queue t]" in out


def _secretive() -> EverythingProbed:
    from tests.shared_kernel.messaging.test_serialization import _everything

    return EverythingProbed(**{**_everything().__dict__, "reset_token": "hunter2"})


def test_the_relay_command_hands_over_what_is_due(subscribe: Any) -> None:
    subscribe(ProbeHappened, lambda event: None, name="t.relayed", mode="inline")
    publish(3)

    assert command("relay") == "handed over: 3\n"
    assert set(Delivery.objects.values_list("status", flat=True)) == {"done"}
