"""The order saga driven through the API only, as a frontend and staff would: shared by
the end-to-end tests, eager and with real workers. `Shop` wraps one way of calling the API
and waits for the saga by polling (a no-op wait when Celery is eager); `saga_processes`
starts the product's worker and beat for the tests with real workers."""

import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from rest_framework.test import APIClient

from tests.shared_kernel.messaging.workers import (
    Worker,
    forget_queue,
    start_beat,
    start_worker,
    this_tests_database_url,
)
from tests.support.processes import stop_group, wait_until

PASSWORD = "correct-horse-battery-staple"
# How long a test with real processes waits for the saga: generous, since a shared CI
# machine may be slow; a passing test waits only as long as the saga takes.
SETTLE_SECONDS = 120.0
# A warm shutdown finishes the tasks in hand (a stalled charge, say) before the worker goes.
STOP_GRACE_SECONDS = 60.0
BEAT_LOG = "beat.log"
FINAL_STATUSES = {"rejected", "cancelled", "shipped"}
SKU = "E2E-MUG"
PRICE = "12.50"
ADDRESS = {
    "name": "Ann Lee",
    "line1": "1 Rue de Rivoli",
    "city": "Paris",
    "postal_code": "75001",
    "country": "FR",
}

# (method, path, body, bearer token) -> (status, JSON body)
Send = Callable[[str, str, dict[str, Any] | None, str | None], tuple[int, Any]]


@dataclass
class Shop:
    send: Send
    wait_seconds: float = 0.0

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        expect: int = 200,
    ) -> Any:
        status, answer = self.send(method, path, body, token)
        assert status == expect, (method, path, status, answer)
        return answer

    def sign_in(self, email: str) -> str:
        tokens = self.call("POST", "/api/v1/auth/token", {"email": email, "password": PASSWORD})
        access: str = tokens["access"]
        return access

    def register(self, email: str) -> str:
        self.call(
            "POST",
            "/api/v1/auth/register",
            {"email": email, "password": PASSWORD, "full_name": "Ann Lee"},
            expect=201,
        )
        return self.sign_in(email)

    def stock_a_product(self, staff: str, *, quantity: int) -> None:
        """A category, a published product with one SKU, and `quantity` units of it."""
        suffix = uuid.uuid4().hex[:8]
        category = {"slug": f"mugs-{suffix}", "name": "Mugs", "parent": None}
        self.call("POST", "/api/v1/catalog/categories", category, token=staff, expect=201)
        sku = {"code": SKU, "attributes": {}, "price": {"amount": PRICE, "currency": "EUR"}}
        self.call(
            "POST",
            "/api/v1/catalog/products",
            {
                "name": "Mug",
                "slug": f"mug-{suffix}",
                "description": "A mug.",
                "category": f"mugs-{suffix}",
                "skus": [sku],
            },
            token=staff,
            expect=201,
        )
        self.call("POST", f"/api/v1/catalog/products/mug-{suffix}/publish", token=staff)
        restock = {"quantity": quantity}
        self.call("POST", f"/api/v1/inventory/stock/{SKU}/restock", restock, token=staff)

    def order(self, customer: str, *, quantity: int = 2, method: str = "pm_card_visa") -> str:
        body = {
            "lines": [{"sku": SKU, "quantity": quantity}],
            "payment_method": method,
            "shipping_address": ADDRESS,
        }
        placed = self.call("POST", "/api/v1/orders", body, token=customer, expect=202)
        assert placed["status"] == "pending"
        order_id: str = placed["id"]
        return order_id

    def order_of(self, customer: str, order_id: str) -> Any:
        return self.call("GET", f"/api/v1/orders/{order_id}", token=customer)

    def settled(self, customer: str, order_id: str, status: str) -> Any:
        """The order once it reached `status` (polled while a worker works on it); an order
        that ended elsewhere fails at once instead of at the deadline."""
        deadline = time.monotonic() + self.wait_seconds
        while True:
            order = self.order_of(customer, order_id)
            ended = order["status"] in FINAL_STATUSES
            if order["status"] == status or ended or time.monotonic() >= deadline:
                assert order["status"] == status, order
                return order
            time.sleep(0.2)

    def payments(self, customer: str, order_id: str) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = self.call(
            "GET", f"/api/v1/payments?order={order_id}", token=customer
        )["results"]
        return results

    def payment_reaches(self, customer: str, order_id: str, status: str) -> dict[str, Any]:
        deadline = time.monotonic() + self.wait_seconds
        while True:
            found = self.payments(customer, order_id)
            if (found and found[0]["status"] == status) or time.monotonic() >= deadline:
                assert [p["status"] for p in found] == [status], found
                return found[0]
            time.sleep(0.2)

    def stock(self, staff: str) -> dict[str, int]:
        row = self.call("GET", f"/api/v1/inventory/stock/{SKU}", token=staff)
        return {key: row[key] for key in ("on_hand", "reserved", "available")}

    def stock_reaches(self, staff: str, expected: dict[str, int]) -> None:
        deadline = time.monotonic() + self.wait_seconds
        while self.stock(staff) != expected and time.monotonic() < deadline:
            time.sleep(0.2)
        found = self.stock(staff)
        assert found == expected, found


def history(order: Any) -> list[tuple[str, str]]:
    return [(entry["status"], entry["cause"]) for entry in order["history"]]


def api_shop(wait_seconds: float = 0.0) -> Shop:
    """A `Shop` over Django's test client (this process as the web process)."""
    client = APIClient()

    def send(method: str, path: str, body: dict[str, Any] | None, token: str | None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = json.dumps(body) if body is not None else ""
        response = client.generic(method, path, data, "application/json", headers=headers)
        return response.status_code, response.json() if response.content else None

    return Shop(send, wait_seconds=wait_seconds)


@contextmanager
def saga_processes(
    folder: Path,
    env: dict[str, str] | None = None,
    *,
    beat: bool = True,
    concurrency: int = 4,
) -> Iterator[Worker]:
    """The product's worker (every queue, config.settings) and, unless `beat=False`, beat,
    on this test's database and Redis, with `env` on top; stopped (by PID) afterwards,
    whatever happens, each with a warm shutdown first.
    Yields the worker (its log helps a failing assertion). What is queued stays queued:
    the caller empties the queues (`forget_every_queue`) when it starts and ends."""
    queues = [queue.name for queue in settings.CELERY_TASK_QUEUES]
    full_env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": this_tests_database_url(),
        "EMAIL_URL": f"filemail:///{folder / 'mail'}",  # four slashes in all: absolute
        "EMPORIUM_LOCAL_DIR": str(folder / "local"),
        **(env or {}),
    }
    with ExitStack() as running:
        worker = start_worker(
            queues[0],
            full_env,
            folder / "worker.log",
            concurrency=concurrency,
            also_consume=tuple(queues[1:]),
        )
        running.callback(stop_group, worker.process, grace=STOP_GRACE_SECONDS)
        if beat:
            scheduler = start_beat(full_env, folder / BEAT_LOG)
            running.callback(stop_group, scheduler.process, grace=STOP_GRACE_SECONDS)
        yield worker


def beat_sent(folder: Path, entry: str) -> bool:
    """Whether the beat `saga_processes` started in `folder` has sent its `entry` once (it
    is up and ticking), waiting up to SETTLE_SECONDS for it."""
    log = folder / BEAT_LOG
    return wait_until(
        lambda: log.exists() and f"Sending due task {entry}" in log.read_text(errors="replace"),
        timeout=SETTLE_SECONDS,
    )


def forget_every_queue() -> None:
    """Delete every queue's messages (on this test's broker), acknowledged or not."""
    for queue in settings.CELERY_TASK_QUEUES:
        forget_queue(queue.name)
