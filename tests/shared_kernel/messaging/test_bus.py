"""Publishing through the unit of work, delivery after commit, the inbox and the retries."""

import uuid
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import structlog
from django.db import transaction
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from shared_kernel.messaging import bus, consumer, relay
from shared_kernel.messaging.consumer import Outcome
from shared_kernel.messaging.envelope import Envelope
from shared_kernel.messaging.models import Delivery, InboxEntry, OutboxEvent
from shared_kernel.messaging.testing import deliver_pending, eager_delivery
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork
from tests.messaging_testapp.events import ProbeHappened
from tests.messaging_testapp.models import Effect

pytestmark = pytest.mark.django_db

CaptureOnCommit = Callable[..., Any]


class Boom(Exception):
    pass


def recorder(name: str) -> Callable[[ProbeHappened, Envelope], None]:
    def record(event: ProbeHappened, envelope: Envelope) -> None:
        Effect.objects.create(event_id=envelope.event_id, subscriber=name, value=event.note)

    return record


def flaky(name: str, failures: int) -> Callable[[ProbeHappened, Envelope], None]:
    """Raises `failures` times, then records its effect."""
    runs: Counter[str] = Counter()

    def handle(event: ProbeHappened, envelope: Envelope) -> None:
        runs[str(envelope.event_id)] += 1
        if runs[str(envelope.event_id)] <= failures:
            raise Boom(f"failure {runs[str(envelope.event_id)]}")
        recorder(name)(event, envelope)

    return handle


def publish(note: str = "") -> uuid.UUID:
    probe_id = uuid.uuid4()
    with DjangoUnitOfWork() as uow:
        uow.publish(ProbeHappened(probe_id=probe_id, note=note), aggregate_id=str(probe_id))
    return probe_id


def publish_then_fail(note: str) -> None:
    """A use case that publishes, then raises before it can commit."""
    with DjangoUnitOfWork() as uow:
        uow.publish(ProbeHappened(probe_id=uuid.uuid4(), note=note), aggregate_id="a")
        raise Boom


@pytest.fixture(autouse=True)
def _instant_retries(settings: SettingsWrapper) -> None:
    settings.OUTBOX_RETRY_BACKOFF_SECONDS = 0
    settings.OUTBOX_MAX_ATTEMPTS = 4


def test_a_use_case_that_raises_leaves_no_event_no_delivery_and_runs_nothing(
    subscribe: Any, effects: type[Effect], django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    subscribe(ProbeHappened, recorder("t.inline"), name="t.inline", mode="inline")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        publish_then_fail("doomed")

    assert callbacks == []
    assert OutboxEvent.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert effects.objects.count() == 0


def test_after_commit_inline_and_async_subscribers_each_run_exactly_once(
    subscribe: Any, effects: type[Effect], django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    subscribe(ProbeHappened, recorder("t.inline"), name="t.inline", mode="inline")
    subscribe(ProbeHappened, recorder("t.async"), name="t.async", queue="notifications")

    with eager_delivery(), django_capture_on_commit_callbacks(execute=True):
        publish("hello")

    event = OutboxEvent.objects.get()
    assert event.event_type == "ProbeHappened"
    assert event.payload["note"] == "hello"
    assert sorted(effects.objects.values_list("subscriber", flat=True)) == ["t.async", "t.inline"]
    assert set(Delivery.objects.values_list("status", "attempts")) == {("done", 1)}
    assert Delivery.objects.get(subscriber="t.async").queue == "notifications"


def test_the_same_event_delivered_twice_has_one_effect(
    subscribe: Any, effects: type[Effect]
) -> None:
    subscribe(ProbeHappened, recorder("t.once"), name="t.once")
    publish()
    deliver_pending()
    delivery = Delivery.objects.get()

    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.HANDED_OVER)
    again = consumer.consume(delivery.pk)

    assert again.outcome is Outcome.DUPLICATE
    assert effects.objects.count() == 1
    assert InboxEntry.objects.filter(subscriber="t.once").count() == 1


@pytest.mark.parametrize("mode", ["inline", "async"])
def test_a_subscriber_failing_twice_then_succeeding_takes_three_attempts_and_one_effect(
    mode: str, subscribe: Any, effects: type[Effect]
) -> None:
    subscribe(ProbeHappened, flaky("t.flaky", failures=2), name="t.flaky", mode=mode)
    publish()

    deliver_pending()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.failures) == ("done", 3, 2)
    assert effects.objects.count() == 1


@pytest.mark.parametrize("mode", ["inline", "async"])
def test_a_subscriber_always_failing_is_dead_lettered_after_the_last_attempt(
    mode: str, subscribe: Any, effects: type[Effect]
) -> None:
    subscribe(ProbeHappened, flaky("t.broken", failures=99), name="t.broken", mode=mode)
    publish()

    deliver_pending()
    deliver_pending()  # a dead letter is not handed over again

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.failures) == ("dead", 4, 4)
    assert "Boom: failure 4" in delivery.last_error
    assert effects.objects.count() == 0


def test_a_delivery_no_worker_started_is_handed_over_again_and_that_is_no_attempt(
    subscribe: Any, effects: type[Effect]
) -> None:
    subscribe(ProbeHappened, recorder("t.lost"), name="t.lost")
    publish()
    first = relay.claim(limit=10)  # handed over, then the message is lost
    assert relay.claim(limit=10) == []  # not again before its handover timeout

    Delivery.objects.update(available_at=timezone.now() - timedelta(seconds=1))
    with eager_delivery():
        relay.sweep()

    delivery = Delivery.objects.get()
    assert [c.delivery_id for c in first] == [delivery.pk]
    assert (delivery.status, delivery.attempts, delivery.failures) == ("done", 1, 0)
    assert effects.objects.count() == 1


def test_a_delivery_never_started_is_never_dead_lettered_and_backs_off_to_its_cap(
    subscribe: Any, settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers stopped for hours: the relay keeps handing over, less and less often."""
    settings.OUTBOX_HANDOVER_TIMEOUT_SECONDS = 10
    settings.OUTBOX_HANDOVER_BACKOFF_MAX_SECONDS = 60
    subscribe(ProbeHappened, recorder("t.queued"), name="t.queued")
    publish()
    monkeypatch.setattr(consumer.deliver, "apply_async", lambda *args, **kwargs: None)
    waits = []

    for _ in range(settings.OUTBOX_MAX_ATTEMPTS * 3):
        before = timezone.now()
        assert relay.sweep() == 1
        delivery = Delivery.objects.get()
        waits.append(round((delivery.available_at - before).total_seconds()))
        Delivery.objects.update(available_at=timezone.now() - timedelta(seconds=1))

    assert (delivery.status, delivery.attempts, delivery.failures) == ("handed_over", 0, 0)
    assert delivery.handovers == settings.OUTBOX_MAX_ATTEMPTS * 3
    assert waits[:4] == [10, 20, 40, 60]
    assert set(waits[4:]) == {60}


def test_a_run_whose_lease_expired_is_a_failed_attempt_then_retried(
    subscribe: Any, effects: type[Effect]
) -> None:
    subscribe(ProbeHappened, recorder("t.killed"), name="t.killed")
    publish()
    _started_and_abandoned(attempts=1)

    relay.sweep()  # the lease ran out: a failure, back to pending after its backoff
    reclaimed = Delivery.objects.get()
    deliver_pending()

    assert (reclaimed.status, reclaimed.attempts, reclaimed.failures) == ("pending", 1, 1)
    assert "lost its lease" in reclaimed.last_error
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.failures) == ("done", 2, 1)
    assert effects.objects.count() == 1


def test_a_lease_that_expires_on_the_last_attempt_is_dead_lettered_and_the_sweep_goes_on(
    subscribe: Any, effects: type[Effect]
) -> None:
    subscribe(ProbeHappened, recorder("t.sweep"), name="t.sweep")
    for _ in range(3):
        publish()
    exhausted = list(Delivery.objects.order_by("pk").values_list("pk", flat=True)[:2])
    _started_and_abandoned(attempts=4, pks=exhausted)

    with eager_delivery():
        relay.sweep(batch_size=2)

    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert [statuses[pk] for pk in exhausted] == ["dead", "dead"]
    assert sorted(statuses.values()) == ["dead", "dead", "done"]
    assert "lost its lease" in Delivery.objects.filter(status="dead")[0].last_error
    assert effects.objects.count() == 1


def _started_and_abandoned(*, attempts: int, pks: list[int] | None = None) -> None:
    """As a worker killed mid-run leaves its deliveries: running, the lease run out."""
    rows = Delivery.objects.filter(pk__in=pks) if pks is not None else Delivery.objects.all()
    rows.update(
        status=Delivery.Status.RUNNING,
        attempts=attempts,
        run_token=uuid.uuid4(),
        started_at=timezone.now() - timedelta(minutes=10),
        available_at=timezone.now() - timedelta(seconds=1),
    )


def test_an_event_version_unknown_here_waits_for_a_deploy_then_is_dead_lettered(
    subscribe: Any, settings: SettingsWrapper
) -> None:
    subscribe(ProbeHappened, recorder("t.any"), name="t.any")
    publish()
    OutboxEvent.objects.update(version=9)

    deliver_pending()
    waiting = Delivery.objects.get()
    Delivery.objects.update(
        available_at=timezone.now(),
        created_at=timezone.now() - timedelta(seconds=settings.OUTBOX_UNKNOWN_GRACE_SECONDS + 1),
    )
    deliver_pending()

    assert (waiting.status, waiting.attempts) == ("handed_over", 0)
    assert "No integration event ProbeHappened v9" in waiting.last_error
    dead = Delivery.objects.get()
    assert (dead.status, dead.attempts) == ("dead", 0)
    assert "rolling deploy" in dead.last_error


def test_a_subscriber_this_worker_lacks_is_applied_once_a_worker_that_has_it_runs(
    subscribe: Any, effects: type[Effect]
) -> None:
    """A rolling deploy: web (newer) published to a subscriber the old worker lacks."""
    subscribe(ProbeHappened, recorder("t.new"), name="t.new")
    publish()
    delivery = Delivery.objects.get()
    bus.unsubscribe("t.new")  # the old worker

    old_worker = consumer.consume(delivery.pk)
    subscribe(ProbeHappened, recorder("t.new"), name="t.new")  # the new one
    new_worker = consumer.consume(delivery.pk)

    assert old_worker.outcome is Outcome.AWAITING_DEPLOY
    assert new_worker.outcome is Outcome.DONE
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.failures) == ("done", 1, 0)
    assert effects.objects.count() == 1


def test_a_send_that_raised_after_the_message_left_never_resets_a_settled_row(
    subscribe: Any, effects: type[Effect], monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe(ProbeHappened, recorder("t.sent"), name="t.sent")
    publish()

    def delivered_then_raised(args: tuple[int], **options: Any) -> None:
        consumer.consume(args[0])  # a worker took the message and finished it
        raise ConnectionError("the broker's confirmation was lost")

    monkeypatch.setattr(consumer.deliver, "apply_async", delivered_then_raised)
    relay.sweep()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("done", 1)
    assert effects.objects.count() == 1


def test_a_copy_of_a_running_delivery_is_a_duplicate_and_changes_nothing(
    subscribe: Any, effects: type[Effect]
) -> None:
    subscribe(ProbeHappened, recorder("t.twice"), name="t.twice")
    publish()
    _started_and_abandoned(attempts=1)
    Delivery.objects.update(available_at=timezone.now() + timedelta(minutes=5))  # lease held

    copy = consumer.consume(Delivery.objects.get().pk)

    assert copy.outcome is Outcome.DUPLICATE
    assert Delivery.objects.get().attempts == 1
    assert effects.objects.count() == 0


def test_a_broker_that_refuses_the_message_does_not_cost_an_attempt(
    subscribe: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe(ProbeHappened, recorder("t.async"), name="t.async")
    publish()

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(consumer.deliver, "apply_async", broker_down)
    assert relay.sweep() == 0

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 0)


def test_the_first_refused_send_ends_the_batch_and_no_delivery_is_lost(
    subscribe: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe(ProbeHappened, recorder("t.async"), name="t.async")
    for _ in range(3):
        publish()
    sends: list[dict[str, Any]] = []

    def broker_down(*args: Any, **kwargs: Any) -> None:
        sends.append(kwargs)
        raise ConnectionError("broker down")

    monkeypatch.setattr(consumer.deliver, "apply_async", broker_down)
    assert relay.sweep() == 0

    assert len(sends) == 1, "one timeout, not one per delivery"
    assert sends[0]["retry"] is False, "the relay owns retries, not Celery's publisher"
    assert set(Delivery.objects.values_list("status", "attempts", "handovers")) == {
        ("pending", 0, 0)
    }


def test_events_carry_the_request_as_correlation_and_the_handled_event_as_causation(
    subscribe: Any,
) -> None:
    def publish_follow_up(event: ProbeHappened, envelope: Envelope) -> None:
        if event.note == "first":
            with DjangoUnitOfWork() as uow:
                follow_up = ProbeHappened(probe_id=event.probe_id, note="second")
                uow.publish(follow_up, aggregate_id=envelope.aggregate_id, sequence=2)

    subscribe(ProbeHappened, publish_follow_up, name="t.chain", mode="inline")

    with structlog.contextvars.bound_contextvars(request_id="req-42"):
        publish("first")
    deliver_pending()

    first = OutboxEvent.objects.get(payload__note="first")
    second = OutboxEvent.objects.get(payload__note="second")
    assert first.correlation_id == "req-42"
    assert first.causation_id == ""
    assert second.correlation_id == "req-42"
    assert second.causation_id == str(first.id)
    assert second.sequence == 2


def test_without_a_request_an_event_starts_its_own_correlation() -> None:
    publish()

    event = OutboxEvent.objects.get()
    assert event.correlation_id == str(event.id)


def test_a_nested_unit_of_work_that_fails_takes_only_its_own_events_with_it(
    subscribe: Any,
) -> None:
    subscribe(ProbeHappened, recorder("t.any"), name="t.any")

    with DjangoUnitOfWork() as outer:
        outer.publish(ProbeHappened(probe_id=uuid.uuid4(), note="outer"), aggregate_id="o")
        with pytest.raises(Boom):
            publish_then_fail("inner")

    assert list(OutboxEvent.objects.values_list("payload__note", flat=True)) == ["outer"]
    assert Delivery.objects.count() == 1


def test_publishing_outside_the_block_is_refused() -> None:
    uow = DjangoUnitOfWork()
    with pytest.raises(RuntimeError, match="inside `with uow:`"):
        uow.publish(ProbeHappened(probe_id=uuid.uuid4()), aggregate_id="a")


def test_an_event_without_subscribers_is_kept_without_deliveries() -> None:
    publish()

    assert OutboxEvent.objects.count() == 1
    assert Delivery.objects.count() == 0
    assert transaction.get_connection().run_on_commit == []


def test_a_late_failure_does_not_undo_a_delivery_another_run_settled(subscribe: Any) -> None:
    """A run that lost its lease fails after a second run succeeded: nothing changes."""
    subscribe(ProbeHappened, recorder("t.slow"), name="t.slow")
    publish()
    delivery = Delivery.objects.get()
    stale = consumer.Lease(delivery.pk, uuid.uuid4(), attempt=1, mode=delivery.mode)
    deliver_pending()

    late = consumer._record_failure(stale, Boom("too late"))

    assert late.outcome is Outcome.LEASE_LOST
    assert Delivery.objects.values_list("status", "failures").get() == ("done", 0)
