"""The whole saga over the API with a real Celery worker (every queue) and beat on Redis and
PostgreSQL: exactly the expected emails, one per event, to the right recipient. The worker
writes them with Django's file backend; the story is `tests/ordering/saga_steps.py`'s."""

import json
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from contexts.notifications.models import EmailDelivery
from shared_kernel.messaging.models import Delivery
from tests.notifications.mail import filed_emails, reset_token_in_text, text_of
from tests.ordering.saga_steps import Shop
from tests.shared_kernel.messaging.workers import (
    Worker,
    forget_queue,
    start_beat,
    start_worker,
    this_tests_database_url,
)
from tests.support.factories import StaffFactory
from tests.support.processes import wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.xdist_group("celery-workers"),
    pytest.mark.django_db(transaction=True),
]

SETTLE_SECONDS = 60
CUSTOMER = "ann@example.com"


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    return tmp_path / "mail"


@pytest.fixture
def processes(transactional_db: None, tmp_path: Path, mail_dir: Path) -> Iterator[Worker]:
    """The product's worker (every queue) and beat on this test's database."""
    queues = [queue.name for queue in settings.CELERY_TASK_QUEUES]
    for queue in queues:
        forget_queue(queue)
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": this_tests_database_url(),
        # django-environ drops the path's first slash: four in all for an absolute folder.
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "EMPORIUM_LOCAL_DIR": str(tmp_path / "local"),
    }
    worker = start_worker(queues[0], env, tmp_path / "worker.log", also_consume=tuple(queues[1:]))
    beat = start_beat(env, tmp_path / "beat.log")
    yield worker
    beat.stop()
    worker.stop()
    for queue in queues:
        forget_queue(queue)


@pytest.fixture
def shop(processes: Worker) -> Shop:
    cache.clear()  # throttle counters: every client here is 127.0.0.1
    client = APIClient()

    def send(method: str, path: str, body: dict[str, Any] | None, token: str | None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = json.dumps(body) if body is not None else ""
        response = client.generic(method, path, data, "application/json", headers=headers)
        return response.status_code, response.json() if response.content else None

    return Shop(send, wait_seconds=SETTLE_SECONDS)


def emails_settled(mail_dir: Path, worker: Worker, count: int) -> list[EmailMessage]:
    def settled() -> bool:
        mine = Delivery.objects.filter(subscriber__startswith="notifications.")
        waiting = mine.exclude(status=Delivery.Status.DONE).exists()
        return not waiting and len(filed_emails(mail_dir)) >= count

    assert wait_until(settled, timeout=SETTLE_SECONDS, interval=0.5), worker.log.read_text(
        errors="replace"
    )[-3000:]
    return filed_emails(mail_dir)


def test_the_whole_saga_sends_one_email_per_event_to_the_customer(shop, processes, mail_dir):
    StaffFactory.create(email="staff@example.com", raw_password="correct-horse-battery-staple")
    staff = shop.sign_in("staff@example.com")
    shop.stock_a_product(staff, quantity=5)
    shop.stock_reaches(staff, {"on_hand": 5, "reserved": 0, "available": 5})
    customer = shop.register(CUSTOMER)
    shop.call("POST", "/api/v1/auth/password-reset", {"email": CUSTOMER}, expect=202)

    cancelled = shop.order(customer)
    shop.settled(customer, cancelled, "confirmed")
    shop.call("POST", f"/api/v1/orders/{cancelled}/cancel", token=customer)
    shop.payment_reaches(customer, cancelled, "refunded")
    declined = shop.order(customer, method="pm_card_chargeDeclined")
    too_many = shop.order(customer, quantity=6)
    shop.settled(customer, declined, "rejected")
    shop.settled(customer, too_many, "rejected")
    shipped = shop.order(customer)
    shop.settled(customer, shipped, "confirmed")
    ship = {"tracking_number": "1Z999AA10123"}
    shop.call("POST", f"/api/v1/orders/{shipped}/ship", ship, token=staff)

    emails = emails_settled(mail_dir, processes, 9)

    assert {message["To"] for message in emails} == {CUSTOMER}
    assert Counter(message["Subject"] for message in emails) == {
        "Welcome to Emporium, Ann Lee": 1,
        "Reset your Emporium password": 1,
        f"Your Emporium order {cancelled} is confirmed": 1,
        f"Your Emporium order {cancelled} is cancelled": 1,
        f"Refund of 25.00 EUR for your Emporium order {cancelled}": 1,
        f"Your Emporium order {declined} could not be completed": 1,
        f"Your Emporium order {too_many} could not be completed": 1,
        f"Your Emporium order {shipped} is confirmed": 1,
        f"Your Emporium order {shipped} has shipped": 1,
    }
    texts = {message["Subject"]: text_of(message) for message in emails}
    assert "Total charged: 25.00 EUR" in texts[f"Your Emporium order {cancelled} is confirmed"]
    assert (
        "your payment was declined"
        in texts[f"Your Emporium order {declined} could not be completed"]
    )
    assert "out of stock" in texts[f"Your Emporium order {too_many} could not be completed"]
    assert "1Z999AA10123" in texts[f"Your Emporium order {shipped} has shipped"]
    assert reset_token_in_text(texts["Reset your Emporium password"])
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {"sent"}
    assert EmailDelivery.objects.count() == 9
