"""Several relays at once never hand one delivery over twice (SELECT … FOR UPDATE SKIP LOCKED)."""

import threading
import uuid
from collections import Counter
from typing import Any

import pytest
from django.db import connection

from shared_kernel.messaging import consumer, relay
from shared_kernel.messaging.models import Delivery
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork
from tests.messaging_testapp.events import ProbeHappened

DELIVERIES = 1_000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_relays_sweeping_the_same_pending_deliveries_hand_each_over_once(
    subscribe: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe(ProbeHappened, lambda event: None, name="t.swept", queue="t-swept")
    monkeypatch.setattr(relay, "dispatch", lambda ids: 0)  # leave them all to the sweeps
    with DjangoUnitOfWork() as uow:
        for _ in range(DELIVERIES):
            uow.publish(ProbeHappened(probe_id=uuid.uuid4()), aggregate_id="a")
    sent: Counter[int] = Counter()
    by_relay: Counter[str] = Counter()
    lock = threading.Lock()

    def record_send(args: tuple[int], queue: str, **options: Any) -> None:
        with lock:
            sent[args[0]] += 1
            by_relay[threading.current_thread().name] += 1

    monkeypatch.setattr(consumer.deliver, "apply_async", record_send)
    start = threading.Barrier(2)

    def sweep() -> None:
        try:
            start.wait()
            relay.sweep(batch_size=20)
        finally:
            connection.close()

    relays = [threading.Thread(target=sweep, name=f"relay-{n}") for n in range(2)]
    for thread in relays:
        thread.start()
    for thread in relays:
        thread.join(timeout=60)

    assert len(sent) == DELIVERIES
    assert set(sent.values()) == {1}
    assert all(by_relay[t.name] > 0 for t in relays), by_relay
    assert set(Delivery.objects.values_list("status", "attempts", "handovers")) == {
        ("handed_over", 0, 1)
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_relay_claims_other_rows_at_once_while_another_holds_its_claim_open(
    subscribe: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SKIP LOCKED shown, not assumed: with a plain FOR UPDATE the second claim would wait
    for the first to commit, and here hit its lock timeout."""
    subscribe(ProbeHappened, lambda event: None, name="t.claimed", queue="t-claimed")
    monkeypatch.setattr(relay, "dispatch", lambda ids: 0)
    with DjangoUnitOfWork() as uow:
        for _ in range(20):
            uow.publish(ProbeHappened(probe_id=uuid.uuid4()), aggregate_id="a")
    holding, release = threading.Event(), threading.Event()
    mark_handed_over = relay._mark_handed_over
    first: list[relay.Claim] = []

    def held_open(rows: list[Any], now: Any) -> None:
        mark_handed_over(rows, now)
        if threading.current_thread().name == "holder":
            holding.set()
            release.wait(timeout=30)

    def hold_a_claim() -> None:
        try:
            first.extend(relay.claim(limit=10))
        finally:
            connection.close()

    monkeypatch.setattr(relay, "_mark_handed_over", held_open)
    holder = threading.Thread(target=hold_a_claim, name="holder")
    holder.start()
    try:
        assert holding.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        second = relay.claim(limit=10)
    finally:
        release.set()
        holder.join(timeout=30)

    assert len(first) == len(second) == 10
    assert not {c.delivery_id for c in first} & {c.delivery_id for c in second}
