"""Notifications through a real Celery worker on Redis and PostgreSQL: registering and asking
for a password reset over the API send exactly the expected emails, which the worker writes
with Django's file backend (`EMAIL_URL=filemail://…`); a mail server that is down is retried,
dead-lettered and logged failed by the worker's own process."""

import ipaddress
import random
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from contexts.notifications.models import EmailDelivery
from shared_kernel.messaging import relay
from shared_kernel.messaging.models import Delivery
from tests.notifications import events
from tests.notifications.conftest import publish
from tests.notifications.mail import filed_emails, reset_token_in_text, text_of
from tests.shared_kernel.messaging.workers import (
    Worker,
    forget_queue,
    start_worker,
    this_tests_database_url,
)
from tests.support.factories import UserFactory
from tests.support.processes import free_port, wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.xdist_group("celery-workers"),
    pytest.mark.django_db(transaction=True),
]

QUEUES = ("notifications", "identity", "outbox")
StartWorker = Callable[..., Worker]
NEW_PASSWORD = "a-brand-new-secret"


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def start(transactional_db: None, mail_dir: Path, tmp_path: Path) -> Iterator[StartWorker]:
    """The product's worker (config.settings) on this test's database, emailing to files
    unless told otherwise; stopped afterwards."""
    started: list[Worker] = []

    def _start(**extra_env: str) -> Worker:
        env = {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": this_tests_database_url(),
            # django-environ drops the path's first slash: four in all for an absolute folder.
            "EMAIL_URL": f"filemail:///{mail_dir}",
            **extra_env,
        }
        log = tmp_path / "worker.log"
        started.append(start_worker(QUEUES[0], env, log, also_consume=QUEUES[1:]))
        return started[-1]

    for queue in QUEUES:
        forget_queue(queue)
    yield _start
    for worker in started:
        worker.stop()
    for queue in QUEUES:
        forget_queue(queue)


@pytest.fixture
def worker(start: StartWorker) -> Worker:
    return start()


@pytest.fixture
def api() -> APIClient:
    address = ipaddress.IPv4Address((10 << 24) + random.getrandbits(24))
    return APIClient(REMOTE_ADDR=str(address))


def notifications_settled() -> bool:
    mine = Delivery.objects.filter(subscriber__startswith="notifications.")
    return mine.exists() and not mine.exclude(status=Delivery.Status.DONE).exists()


def emails_once_settled(mail_dir: Path, worker: Worker, count: int) -> list[EmailMessage]:
    settled = wait_until(
        lambda: notifications_settled() and len(filed_emails(mail_dir)) >= count,
        timeout=60,
        interval=0.5,
        meanwhile=relay.sweep,
    )
    deliveries = list(Delivery.objects.values_list("subscriber", "status", "last_error"))
    assert settled, (deliveries, worker.log.read_text(errors="replace")[-3000:])
    return filed_emails(mail_dir)


def test_registering_sends_one_welcome_email_from_the_worker(api, worker, mail_dir):
    response = api.post(
        "/api/v1/auth/register",
        {"email": "dee@example.com", "password": NEW_PASSWORD, "full_name": "Dee Fox"},
        format="json",
    )
    assert response.status_code == 201

    (welcome,) = emails_once_settled(mail_dir, worker, 1)

    assert welcome["To"] == "dee@example.com"
    assert welcome["Subject"] == "Welcome to Emporium, Dee Fox"
    assert "Hello Dee Fox," in text_of(welcome)
    assert EmailDelivery.objects.get().status == "sent"


def test_a_password_reset_sends_one_email_whose_token_resets_the_password(api, worker, mail_dir):
    UserFactory.create(email="ann@example.com", full_name="Ann Lee")

    assert api.post("/api/v1/auth/password-reset", {"email": "ann@example.com"}).status_code == 202

    (reset,) = emails_once_settled(mail_dir, worker, 1)
    assert reset["To"] == "ann@example.com"
    assert reset["Subject"] == "Reset your Emporium password"
    token = reset_token_in_text(text_of(reset))
    confirm = api.post(
        "/api/v1/auth/password-reset/confirm", {"token": token, "password": NEW_PASSWORD}
    )
    assert confirm.status_code == 204
    assert token not in worker.log.read_text(errors="replace")
    entry = EmailDelivery.objects.get()
    assert (entry.template, entry.status, entry.context) == (
        "password_reset",
        "sent",
        {"email": "ann@example.com"},
    )


def test_a_mail_server_that_is_down_is_retried_then_dead_lettered_and_logged_failed(start):
    """The failure is recorded by the worker's process after each rolled-back attempt."""
    worker = start(
        EMAIL_URL=f"smtp://127.0.0.1:{free_port()}",
        OUTBOX_MAX_ATTEMPTS="2",
        OUTBOX_RETRY_BACKOFF_SECONDS="0.2",
    )
    publish(events.order_shipped(UserFactory.create(email="ann@example.com").id))

    dead = lambda: Delivery.objects.filter(status=Delivery.Status.DEAD).exists()  # noqa: E731
    assert wait_until(dead, timeout=60, interval=0.5), worker.log.read_text(errors="replace")
    delivery = Delivery.objects.get(status=Delivery.Status.DEAD)
    assert (delivery.subscriber, delivery.attempts) == ("notifications.email_order_shipped", 2)
    logged = lambda: EmailDelivery.objects.filter(attempts=2).exists()  # noqa: E731
    assert wait_until(logged, timeout=10), list(EmailDelivery.objects.values())
    entry = EmailDelivery.objects.get()
    assert (entry.status, entry.recipient) == ("failed", "ann@example.com")
    assert entry.last_error.startswith("ConnectionRefusedError")
