"""Writes two requests can make at once, raced over HTTP against the live server on
PostgreSQL (each request on its own connection, truly in parallel).

- A customer's cancel racing staff's ship on one confirmed order: the order is versioned
  (`UPDATE … WHERE version = <loaded>`), so exactly one wins, the other gets a 409, and only
  the winner's event is published; the stock and the payment follow the winner (returned
  and refunded, or kept and captured), with the saga's subscribers run in the process.
  Both requests are held after loading the order until the other has loaded it too, so
  every round is a real race, not a queue.
- Twenty requests with one Idempotency-Key at once: the unique (scope, key) lets one run;
  the others get its answer replayed or a 409 while it runs. One order.
"""

import json
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import pytest
from django.db import connection
from pytest_django.live_server_helper import LiveServer

from contexts.identity.domain.account import UserId
from contexts.identity.infrastructure.tokens import SimpleJwtSessionTokens
from contexts.ordering.application.saga import Outcome
from contexts.ordering.application.services import ordering_use_cases
from contexts.ordering.application.use_cases import Caller, RequestedLine
from contexts.ordering.contracts import OrderCancelled, OrderShipped
from contexts.ordering.domain.order import Order, OrderId
from contexts.ordering.infrastructure.repositories import DjangoOrderRepository
from contexts.ordering.models import Order as OrderRow
from shared_kernel.api.idempotency import Claim, IdempotencyKeys, KeptAnswer
from shared_kernel.domain.aggregate import StaleAggregate
from shared_kernel.domain.events import IntegrationEvent
from shared_kernel.messaging.models import OutboxEvent
from shared_kernel.messaging.testing import eager_delivery
from tests.ordering.conftest import client_of
from tests.ordering.helpers import ORDERS, order_body
from tests.support.factories import StaffFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 10
STOCK = "/api/v1/inventory/stock"
CLIENTS = 20
TIMEOUT = 30

Answer = tuple[int, dict[str, str], bytes]


def call(url: str, token: str, body: dict[str, Any] | None = None, key: str = "") -> Answer:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(
        url, data=json.dumps(body or {}).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def token_of(user: Any) -> str:
    return SimpleJwtSessionTokens().open(UserId(user.pk)).access


class LoadGate:
    """Holds each order load of a race until both racers have loaded the order (the
    saga steps that confirm it between rounds pass freely)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.barrier: threading.Barrier | None = None
        load = DjangoOrderRepository.get
        gate = self

        def held_get(repository: DjangoOrderRepository, order_id: OrderId) -> Order:
            order = load(repository, order_id)
            if gate.barrier is not None:
                gate.barrier.wait()
            return order

        monkeypatch.setattr(DjangoOrderRepository, "get", held_get)


@pytest.fixture
def saga_in_process() -> Iterator[None]:
    """The saga's subscribers (inventory, payments, ordering) run in the process after each
    commit, the live server's included: by the time an answer is back, what it caused is
    done (stock reserved, committed or returned; payment captured or refunded)."""
    with eager_delivery():
        yield


def test_cancel_racing_ship_one_wins_the_other_is_409_events_and_stock_follow_the_winner(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch, saga_in_process: None
) -> None:
    customer, staff = UserFactory(), StaffFactory()
    cancel_token, ship_token = token_of(customer), token_of(staff)
    for sku in ("SHIRT-M", "MUG"):
        restock = {"quantity": 3 * ROUNDS}
        assert (
            client_of(staff).post(f"{STOCK}/{sku}/restock", restock, format="json").status_code
            == 200
        )
    on_hand = on_hand_of(staff)
    gate = LoadGate(monkeypatch)
    for _ in range(ROUNDS):
        order_id = client_of(customer).post(ORDERS, order_body(), format="json").json()["id"]
        assert OrderRow.objects.get(pk=order_id).status == "confirmed"
        on_hand = {"SHIRT-M": on_hand["SHIRT-M"] - 2, "MUG": on_hand["MUG"] - 1}
        assert on_hand_of(staff) == on_hand
        gate.barrier = threading.Barrier(2, timeout=TIMEOUT)
        with ThreadPoolExecutor(max_workers=2) as pool:
            cancel = pool.submit(call, f"{live_server.url}{ORDERS}/{order_id}/cancel", cancel_token)
            ship = pool.submit(
                call,
                f"{live_server.url}{ORDERS}/{order_id}/ship",
                ship_token,
                {"tracking_number": "1Z"},
            )
            answers = {"cancel": cancel.result(), "ship": ship.result()}
        gate.barrier = None

        assert sorted(status for status, _, _ in answers.values()) == [200, 409], answers
        winner = "cancel" if answers["cancel"][0] == 200 else "ship"
        loser = answers["ship" if winner == "cancel" else "cancel"]
        assert json.loads(loser[2])["status"] == 409
        status, event, payment = WINNING[winner]
        assert OrderRow.objects.get(pk=order_id).status == status
        assert after_confirmation(order_id) == [event.event_type]
        assert payment_statuses(staff, order_id) == [payment]
        if winner == "cancel":
            on_hand = {"SHIRT-M": on_hand["SHIRT-M"] + 2, "MUG": on_hand["MUG"] + 1}
        assert on_hand_of(staff) == on_hand


def on_hand_of(staff: Any) -> dict[str, int]:
    return {
        sku: client_of(staff).get(f"{STOCK}/{sku}").json()["on_hand"] for sku in ("SHIRT-M", "MUG")
    }


def payment_statuses(staff: Any, order_id: str) -> list[str]:
    payments = client_of(staff).get(f"/api/v1/payments?order={order_id}").json()["results"]
    return [payment["status"] for payment in payments]


WINNING: dict[str, tuple[str, type[IntegrationEvent], str]] = {
    "cancel": ("cancelled", OrderCancelled, "refunded"),
    "ship": ("shipped", OrderShipped, "captured"),
}


def after_confirmation(order_id: str) -> list[str]:
    """The events an order published once confirmed: the race's winner's only."""
    return list(
        OutboxEvent.objects.filter(aggregate_id=order_id)
        .exclude(event_type__in=("OrderPlaced", "PaymentRequested", "OrderConfirmed"))
        .values_list("event_type", flat=True)
    )


def test_twenty_requests_with_one_key_place_one_order(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    customer = UserFactory()
    token = token_of(customer)
    held_claims(monkeypatch)
    url = f"{live_server.url}{ORDERS}"

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        answers = list(pool.map(lambda _: call(url, token, order_body(), key="k"), range(CLIENTS)))

    assert OrderRow.objects.count() == 1
    statuses = [status for status, _, _ in answers]
    assert set(statuses) <= {202, 409}, answers
    accepted = [body for status, _, body in answers if status == 202]
    assert len({json.loads(body)["id"] for body in accepted}) == 1
    originals = [a for a in answers if a[0] == 202 and "Idempotent-Replayed" not in a[1]]
    assert len(originals) == 1


def held_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every request reaches its INSERT of the key at once: the unique index decides."""
    gate = threading.Barrier(CLIENTS, timeout=TIMEOUT)
    claim = IdempotencyKeys.claim

    def claim_together(self: IdempotencyKeys, **kwargs: str) -> Claim | KeptAnswer:
        gate.wait()
        return claim(self, **kwargs)

    monkeypatch.setattr(IdempotencyKeys, "claim", claim_together)


def raced(*steps: Callable[[], object]) -> list[object]:
    """Run the steps at once, each in a thread with its own connection, each held after
    loading the order until all have loaded it; what each returned or raised."""

    def run(step: Callable[[], object]) -> object:
        try:
            return step()
        except StaleAggregate as refused:
            return refused
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(steps)) as pool:
        return list(pool.map(run, steps))


def saga_order(customer: Any) -> uuid.UUID:
    """A pending order whose stock is reserved and payment requested."""
    steps = ordering_use_cases()
    order = steps.place_order(
        customer_id=customer.pk,
        lines=[RequestedLine("MUG", 1)],
        payment_method="pm_card_visa",
        shipping_address=order_body()["shipping_address"],
    )
    steps.on_stock_reserved(order_id=order.id, reservation_id=uuid.uuid4())
    return order.id


def test_a_capture_racing_the_expiry_settles_the_order_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two workers on one pending order: one step wins, the other is refused as stale (the
    bus retries it) and, run again, finds the order settled: a late capture compensated,
    or an expiry after the confirmation ignored. One of OrderConfirmed, OrderRejected."""
    customer, steps, gate = UserFactory(), ordering_use_cases(), LoadGate(monkeypatch)
    for _ in range(ROUNDS):
        order_id = saga_order(customer)
        gate.barrier = threading.Barrier(2, timeout=TIMEOUT)
        captured, expired = raced(
            partial(steps.on_payment_captured, order_id=order_id),
            partial(steps.on_reservation_expired, order_id=order_id),
        )
        gate.barrier = None

        assert sorted(map(type, (captured, expired)), key=str) == sorted(
            (Outcome, StaleAggregate), key=str
        ), (captured, expired)
        if captured is Outcome.APPLIED:
            assert steps.on_reservation_expired(order_id=order_id) is Outcome.IGNORED
            settled = ("confirmed", "OrderConfirmed")
        else:
            assert steps.on_payment_captured(order_id=order_id) is Outcome.COMPENSATED
            settled = ("rejected", "OrderRejected")
        assert (OrderRow.objects.get(pk=order_id).status, *after_payment_requested(order_id)) == (
            settled
        )


def test_a_customers_cancel_racing_stock_commit_failed_cancels_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both would cancel one confirmed order: one wins; a stale customer gets 409, a stale
    saga step is retried by the bus and ignored. One OrderCancelled, by the winner."""
    customer: Any = UserFactory()
    steps, gate = ordering_use_cases(), LoadGate(monkeypatch)
    caller = Caller(user_id=customer.pk, is_staff=False)
    for _ in range(ROUNDS):
        order_id = saga_order(customer)
        steps.on_payment_captured(order_id=order_id)
        gate.barrier = threading.Barrier(2, timeout=TIMEOUT)
        by_customer, by_system = raced(
            partial(steps.cancel_order, order_id=order_id, caller=caller),
            partial(steps.on_stock_commit_failed, order_id=order_id, reservation_id=uuid.uuid4()),
        )
        gate.barrier = None

        if by_system is Outcome.APPLIED:
            assert isinstance(by_customer, StaleAggregate), by_customer
            winner = "system"
        else:
            assert isinstance(by_system, StaleAggregate), by_system
            assert steps.on_stock_commit_failed(order_id=order_id, reservation_id=uuid.uuid4()) is (
                Outcome.IGNORED
            )
            winner = "customer"
        (cancelled,) = OutboxEvent.objects.filter(
            aggregate_id=order_id, event_type=OrderCancelled.event_type
        )
        assert cancelled.payload["cancelled_by"] == winner


def after_payment_requested(order_id: uuid.UUID) -> list[str]:
    return list(
        OutboxEvent.objects.filter(aggregate_id=order_id)
        .exclude(event_type__in=("OrderPlaced", "PaymentRequested"))
        .values_list("event_type", flat=True)
    )
