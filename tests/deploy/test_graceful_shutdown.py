"""SIGTERM to a real gunicorn, as an orchestrator stops the web server (issue #13).

gunicorn runs from config/gunicorn.conf.py (the image's CMD) in production mode against this
test's PostgreSQL database. A registration is in flight (its body half sent) when the
master gets SIGTERM: it must be answered and committed, a request arriving after the
signal must not be served, and the master must exit 0 within the grace period compose.yaml
and deploy/k8s/ give the web server (a timing check the issue asks for). The Celery worker
and beat: tests/shared_kernel/messaging/test_worker_shutdown.py.
"""

import concurrent.futures
import http.client
import json
import secrets
import signal
import socket
import sys
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.auth import get_user_model

from tests.deploy.files import ROOT, grace
from tests.shared_kernel.messaging.workers import this_tests_database_url
from tests.support.processes import (
    free_port,
    live_status,
    start_in_own_group,
    stop_group,
    wait_until,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.xdist_group("gunicorn"),
    pytest.mark.django_db(transaction=True),
]

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
HOST = "shop.example.com"


def registration(email: str) -> tuple[bytes, bytes]:
    """The request's head and its JSON body, apart, to send the body in two halves."""
    body = json.dumps(
        {"email": email, "password": secrets.token_urlsafe(18), "full_name": "In Flight"}
    ).encode()
    head = (
        "POST /api/v1/auth/register HTTP/1.1\r\n"
        f"Host: {HOST}\r\n"
        "X-Forwarded-Proto: https\r\n"  # as the TLS proxy in front forwards it
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    ).encode()
    return head, body


def test_sigterm_finishes_the_request_in_flight_serves_no_new_one_and_exits_cleanly(
    production_env: dict[str, str],
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {
        **production_env,
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "DATABASE_URL": this_tests_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EVENT_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "SECURE_SSL_REDIRECT": "true",
    }
    log = tmp_path / "gunicorn.log"
    server = start_in_own_group(
        [GUNICORN, "-c", "config/gunicorn.conf.py"], cwd=ROOT, env=env, log=log
    )
    try:
        started = wait_until(lambda: live_status(port, host=HOST, timeout=2) == 200, timeout=90)
        assert started, log.read_text()[-3000:]
        email = f"in-flight-{secrets.token_hex(4)}@example.com"
        head, body = registration(email)
        in_flight = socket.create_connection(("127.0.0.1", port), timeout=60)
        in_flight.sendall(head + body[:10])
        time.sleep(1.0)  # a worker's thread has taken it up and is reading the body

        stopped_at = time.monotonic()
        server.send_signal(signal.SIGTERM)
        time.sleep(1.0)  # the workers have the signal: they stop accepting
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            newcomer = pool.submit(live_status, port, host=HOST, timeout=60)
            time.sleep(0.5)
            in_flight.sendall(body[10:])
            response = http.client.HTTPResponse(in_flight)
            response.begin()
            answer = (response.status, response.read())
            in_flight.close()

            code = server.wait(timeout=grace("web") + 10)
            took = time.monotonic() - stopped_at
            newcomer_status = newcomer.result(timeout=30)
    finally:
        stop_group(server, grace=10)

    print(f"\ngunicorn stop with a request in flight: {took:.1f} s (grace {grace('web'):.0f} s)")
    assert answer[0] == 201, answer
    assert get_user_model().objects.filter(email=email).exists(), "the request committed"
    assert newcomer_status is None, "a request arriving after SIGTERM was served"
    assert code == 0, log.read_text()[-3000:]
    assert took < grace("web")
    assert live_status(port, host=HOST, timeout=2) is None, "the port still answers"
