"""Issue #14, finding 3: a reset token read from `messaging_outboxevent` confirmed a reset.

Over HTTP on PostgreSQL: after `POST /auth/password-reset` no table holds the token in plain
text; the outbox holds it sealed (Fernet, ADR 0016), useless without EVENT_ENCRYPTION_KEYS;
the subscriber (the stand-in for the reset email, `mailbox.py`) gets it whole and it
confirms the reset; once that delivery settled, the outbox holds it no more, not even sealed.
On the code before sealing, the payload held the token as it is and the first scan failed.
"""

import io
import json
import urllib.request
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import connection
from pytest_django.live_server_helper import LiveServer

from shared_kernel.messaging.models import OutboxEvent
from shared_kernel.messaging.testing import eager_delivery
from tests.identity.mailbox import Mailbox
from tests.support.factories import UserFactory
from tests.support.log_capture import rendered_log_lines

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def post(url: str, body: dict[str, str]) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        status: int = response.status
    return status


def every_row_as_text() -> str:
    """The whole database, every row of every table, as PostgreSQL prints it."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT t::text FROM "{table}" t')
            rows += [row[0] for row in cursor.fetchall()]
    return "\n".join(rows)


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    with rendered_log_lines() as lines:
        yield lines


def test_no_reset_token_rests_readable_in_the_database(
    live_server: LiveServer, reset_mailbox: Mailbox, logs: io.StringIO
) -> None:
    UserFactory(email="ann@example.com")

    with eager_delivery():  # subscribers run as a worker would, right after each commit
        status = post(f"{live_server.url}/api/v1/auth/password-reset", {"email": "ann@example.com"})
    assert status == 202
    right_after_the_request = every_row_as_text()
    mail = reset_mailbox.to("ann@example.com")
    token = mail.event.reset_token

    assert len(token) >= 43
    assert token not in right_after_the_request
    sealed = mail.stored_payload["reset_token"]  # the outbox row while it was delivered
    assert set(sealed) == {"$sealed"}
    assert token not in json.dumps(mail.stored_payload)
    with pytest.raises(InvalidToken):
        Fernet(Fernet.generate_key()).decrypt(sealed["$sealed"].encode())
    keys = MultiFernet([Fernet(key) for key in settings.EVENT_ENCRYPTION_KEYS])
    assert json.loads(keys.decrypt(sealed["$sealed"].encode())) == token

    row = OutboxEvent.objects.get(event_type="PasswordResetRequested")
    assert set(row.payload["reset_token"]) == {"$scrubbed"}
    assert token not in every_row_as_text()
    assert sealed["$sealed"] not in every_row_as_text()

    confirm = {"token": token, "password": "a-brand-new-secret"}
    assert post(f"{live_server.url}/api/v1/auth/password-reset/confirm", confirm) == 204
    assert "event_published" in logs.getvalue()
    assert token not in logs.getvalue(), "no log line of the whole flow says it"
