"""Payments' concurrent writes on PostgreSQL, each worker thread with its own connection.

Two deliveries of `PaymentRequested` for one order (ordering published it twice, or a
redelivery overtook the first run), an `OrderRejected` racing its `PaymentRequested`, and
one Stripe webhook event delivered twice are run at once. To make the window certain, a
run is held just before it takes the order's gate until all of them are there; then the
gate's row lock decides who goes first.
"""

import dataclasses
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from contexts.payments.application.ports import OrderGate
from contexts.payments.application.services import compose_use_cases, payments_use_cases
from contexts.payments.bootstrap import django_ports
from contexts.payments.domain.payment import PaymentId
from contexts.payments.infrastructure.models import OrderGate as OrderGateRow
from contexts.payments.infrastructure.models import Payment
from contexts.payments.infrastructure.repositories import DjangoOrderGates
from shared_kernel.messaging import bus, consumer
from shared_kernel.messaging.models import Delivery
from shared_kernel.messaging.testing import eager_delivery
from tests.payments.fakes import RecordedSettlements, ScriptedGateway
from tests.payments.saga import (
    AMOUNT,
    CUSTOMER,
    gateway_in_use,
    order_rejected,
    payment_requested,
    published_by_payments,
)
from tests.payments.webhooks import SECRET, signature, stripe_event

TIMEOUT = 30
ROUNDS = 5

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _only_payments_subscribers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Payments' events go nowhere else here: other contexts' subscribers are not raced."""
    own = {name: s for name, s in bus._subscriptions.items() if name.startswith("payments.")}
    monkeypatch.setattr(bus, "_subscriptions", own)


@pytest.fixture
def gateway() -> Iterator[ScriptedGateway]:
    with gateway_in_use(ScriptedGateway()) as scripted:
        assert isinstance(scripted, ScriptedGateway)
        yield scripted


class Armed:
    barrier: threading.Barrier | None = None
    left = 0


@pytest.fixture
def held_at_the_gate(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """`hold(n)`: the next n runs to reach the gate wait there for each other (once: a
    run that comes back to the gate, retrying a stale save, passes)."""
    lock = threading.Lock()
    armed = Armed()
    hold = DjangoOrderGates.hold

    def held(self: DjangoOrderGates, order_id: uuid.UUID) -> OrderGate:
        with lock:
            barrier = armed.barrier if armed.left else None
            armed.left = max(0, armed.left - 1)
        if barrier is not None:
            barrier.wait()
        return hold(self, order_id)

    monkeypatch.setattr(DjangoOrderGates, "hold", held)

    def arm(parties: int) -> None:
        armed.barrier, armed.left = threading.Barrier(parties, timeout=TIMEOUT), parties

    return arm


def deliveries_of(order_id: uuid.UUID) -> list[int]:
    return list(
        Delivery.objects.filter(
            event__aggregate_id=str(order_id), subscriber__startswith="payments."
        ).values_list("pk", flat=True)
    )


def run_at_once(delivery_ids: list[int]) -> list[consumer.Result]:
    def run(delivery_id: int) -> consumer.Result:
        try:
            return consumer.consume(delivery_id)
        finally:
            connections.close_all()

    with eager_delivery(), ThreadPoolExecutor(max_workers=len(delivery_ids)) as pool:
        return list(pool.map(run, delivery_ids, timeout=TIMEOUT))


def test_two_requests_for_one_order_at_once_open_one_payment_charged_once(
    gateway, held_at_the_gate
):
    for _ in range(ROUNDS):
        order_id = uuid.uuid4()
        payment_requested(order_id)
        payment_requested(order_id)
        held_at_the_gate(2)
        results = run_at_once(deliveries_of(order_id))
        assert {r.outcome for r in results} == {consumer.Outcome.DONE}
        payment = Payment.objects.get(order_id=order_id)
        assert payment.status == "captured"
        assert gateway.charges.count(f"payment-{payment.id}-charge") == 1
        assert [e.event_type for e in published_by_payments(order_id)] == ["PaymentCaptured"]
    assert len(gateway.charges) == ROUNDS


def test_one_delivery_run_twice_at_once_has_one_effect(gateway):
    order_id = uuid.uuid4()
    payment_requested(order_id)
    [delivery_id] = deliveries_of(order_id)
    first, second = sorted(
        (r.outcome for r in run_at_once([delivery_id, delivery_id])),
        key=lambda outcome: outcome != consumer.Outcome.DONE,
    )
    assert first == consumer.Outcome.DONE
    # The copy found the run going (duplicate) or, started later, already settled.
    assert second in {consumer.Outcome.DUPLICATE, consumer.Outcome.ALREADY_SETTLED}
    assert Payment.objects.filter(order_id=order_id).count() == 1
    assert len(gateway.charges) == 1


def test_a_rejection_racing_the_request_never_leaves_money_taken(gateway, held_at_the_gate):
    outcomes = set()
    for _ in range(ROUNDS):
        order_id = uuid.uuid4()
        payment_requested(order_id)
        order_rejected(order_id)
        held_at_the_gate(2)
        run_at_once(deliveries_of(order_id))
        payment = Payment.objects.filter(order_id=order_id).first()
        status = payment.status if payment else "none"
        outcomes.add(status)
        assert status in {"none", "voided", "refunded"}
        if payment is not None and f"payment-{payment.id}-charge" in gateway.charges:
            assert status == "refunded"
            assert f"payment-{payment.id}-refund" in gateway.refunds
    assert outcomes  # which interleavings occurred is the scheduler's choice


def test_one_webhook_event_delivered_twice_at_once_is_processed_once(settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    order_id = uuid.uuid4()
    payment_requested(order_id)
    run_at_once(deliveries_of(order_id)[:1])  # opened, charged by the sandbox, captured
    payment = Payment.objects.get(order_id=order_id)
    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": payment.gateway_reference,
        "refunded": True,
    }
    payload = stripe_event("evt_twice", "charge.refunded", charge)
    barrier = threading.Barrier(2, timeout=TIMEOUT)

    def reconcile() -> None:
        try:
            barrier.wait()
            payments_use_cases().reconcile_gateway_event(
                payload=payload, signature=signature(payload)
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        for done in [pool.submit(reconcile) for _ in range(2)]:
            done.result(timeout=TIMEOUT)
    payment.refresh_from_db()
    assert payment.status == "refunded"
    assert [e.event_type for e in published_by_payments(order_id)] == [
        "PaymentCaptured",
        "PaymentRefunded",
    ]


@pytest.fixture
def settled_by_hand(gateway: ScriptedGateway) -> Iterator[RecordedSettlements]:
    """Payments' use cases on the database whose after-commit starts are only noted: the
    test runs the settlements itself, when and where it wants."""
    noted = RecordedSettlements()
    ports = dataclasses.replace(django_ports(gateway), settlements=noted)
    with payments_use_cases.overridden(compose_use_cases(ports)):
        yield noted


def open_pending(order_id: uuid.UUID) -> PaymentId:
    payment = payments_use_cases().open_payment(
        order_id=order_id, customer_id=CUSTOMER, amount=AMOUNT, payment_method="pm_card_visa"
    )
    assert payment is not None
    return payment.id


def test_two_settlements_of_one_payment_at_once_record_one_capture(gateway, settled_by_hand):
    """The after-commit start and the sweep (or a redelivered task) charge at once: the same
    key goes out twice, and the conditional record keeps one outcome, one event."""
    for _ in range(ROUNDS):
        order_id = uuid.uuid4()
        payment_id = open_pending(order_id)
        in_flight = threading.Barrier(2, timeout=TIMEOUT)
        gateway.during_charge = in_flight.wait

        with ThreadPoolExecutor(max_workers=2) as pool:
            statuses = list(pool.map(settle, [payment_id] * 2, timeout=TIMEOUT))
        assert statuses == ["captured", "captured"]
        assert gateway.charges.count(f"payment-{payment_id}-charge") == 2
        assert [e.event_type for e in published_by_payments(order_id)] == ["PaymentCaptured"]
        assert Payment.objects.get(pk=payment_id).version == 2


def settle(payment_id: PaymentId) -> str:
    try:
        return payments_use_cases().settle_payment(payment_id=payment_id).status.value
    finally:
        connections.close_all()


def sweep(together: threading.Barrier) -> list[PaymentId]:
    try:
        together.wait()
        return payments_use_cases().sweep_settlements()
    finally:
        connections.close_all()


def locked_elsewhere(payment_id: PaymentId, order_id: uuid.UUID) -> list[str]:
    """Which of the payment's rows another connection cannot lock right now (NOWAIT)."""
    busy: list[str] = []

    def try_locks() -> None:
        try:
            for name, rows in (
                ("payment", Payment.objects.filter(pk=payment_id)),
                ("gate", OrderGateRow.objects.filter(pk=order_id)),
            ):
                try:
                    with transaction.atomic():
                        rows.select_for_update(nowait=True).get()
                except DatabaseError:
                    busy.append(name)
        finally:
            connections.close_all()

    other = threading.Thread(target=try_locks)
    other.start()
    other.join(TIMEOUT)
    return busy


def test_no_transaction_or_row_lock_is_held_while_the_gateway_is_called(gateway, settled_by_hand):
    order_id = uuid.uuid4()
    payment_id = open_pending(order_id)
    seen: dict[str, object] = {}

    def look(call: str) -> None:
        seen[call] = (connection.in_atomic_block, locked_elsewhere(payment_id, order_id))

    gateway.during_charge = lambda: look("charge")
    gateway.during_refund = lambda: look("refund")
    payments_use_cases().settle_payment(payment_id=payment_id)
    payments_use_cases().close_order_payment(order_id=order_id, sequence=6)
    payments_use_cases().settle_payment(payment_id=payment_id)
    assert Payment.objects.get(pk=payment_id).status == "refunded"
    assert seen == {"charge": (False, []), "refund": (False, [])}


def test_two_sweeps_at_once_start_each_lost_settlement_once(settled_by_hand):
    """Beat's next sweep starting while one still runs (or two beats): the conditional claim
    hands each payment to one of them."""
    for _ in range(ROUNDS):
        payment_ids = {open_pending(uuid.uuid4()) for _ in range(20)}
        Payment.objects.filter(pk__in=payment_ids).update(
            updated_at=timezone.now() - timedelta(hours=1)
        )
        settled_by_hand.take()
        together = [threading.Barrier(2, timeout=TIMEOUT)] * 2
        with ThreadPoolExecutor(max_workers=2) as pool:
            claimed = [p for swept in pool.map(sweep, together, timeout=TIMEOUT) for p in swept]
        assert sorted(claimed) == sorted(payment_ids)
        assert sorted(settled_by_hand.take()) == sorted(payment_ids)
