"""Identity's integration events land in the outbox in the same transaction as the change
that caused them, and not at all when that change fails.

A reset is requested through the use case here: the API only notes the ask and identity's
subscriber runs the use case later (ADR 0019; tests/identity/test_reset_asks.py)."""

import json

import pytest

from contexts.identity.application.services import identity_use_cases
from contexts.identity.contracts import PasswordResetRequested, UserRegistered
from contexts.identity.domain.account import UserId
from contexts.identity.domain.errors import EmailAlreadyRegistered, WeakPassword
from contexts.identity.infrastructure.adapters import SimpleJwtSessionRevoker
from contexts.identity.models import PasswordResetToken, User
from shared_kernel.messaging.models import OutboxEvent
from shared_kernel.messaging.serialization import MASK, decode_event, masked_payload

PASSWORD = "correct-horse-battery"

pytestmark = pytest.mark.django_db


def test_registration_writes_user_registered_with_the_account(api):
    response = api.post(
        "/api/v1/auth/register",
        {"email": "Ann@Example.com", "password": PASSWORD, "full_name": "Ann"},
    )
    user_id = response.json()["id"]

    row = OutboxEvent.objects.get()
    assert (row.event_type, row.version, row.publisher) == ("UserRegistered", 1, "identity")
    assert row.aggregate_id == user_id
    assert row.sequence == 1
    assert row.payload == {"user_id": user_id, "email": "ann@example.com", "full_name": "Ann"}
    event = decode_event(UserRegistered, row.payload)
    assert str(event.user_id) == user_id


@pytest.mark.parametrize(
    ("email", "password", "error"),
    [
        ("ANN@example.com", PASSWORD, EmailAlreadyRegistered),
        ("bob@example.com", "short", WeakPassword),
    ],
)
def test_a_failed_registration_writes_no_event(user, email, password, error):
    with pytest.raises(error):
        identity_use_cases().register_user(email=email, password=password)

    assert OutboxEvent.objects.count() == 0
    assert User.objects.count() == 1


def test_registration_then_a_reset_request_carry_the_accounts_versions_1_and_2(api):
    api.post("/api/v1/auth/register", {"email": "bo@example.com", "password": PASSWORD})
    identity_use_cases().request_password_reset(email="bo@example.com")

    rows = OutboxEvent.objects.order_by("sequence").values_list("event_type", "sequence")
    assert list(rows) == [("UserRegistered", 1), ("PasswordResetRequested", 2)]
    assert User.objects.get().version == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_use_case_failing_after_its_save_leaves_nothing(user, monkeypatch):
    def sessions_down(self, user_id):
        raise ConnectionError("token store unreachable")

    monkeypatch.setattr(SimpleJwtSessionRevoker, "revoke_all", sessions_down)

    with pytest.raises(ConnectionError):
        identity_use_cases().deactivate_account(user_id=UserId(user.pk))

    user.refresh_from_db()
    assert (user.is_active, user.version) == (True, 1)
    assert OutboxEvent.objects.count() == 0


def test_a_reset_request_writes_the_token_and_the_event_together(user):
    identity_use_cases().request_password_reset(email="ann@example.com")

    row = OutboxEvent.objects.get()
    assert row.event_type == "PasswordResetRequested"
    assert row.aggregate_id == str(user.pk)
    assert row.payload["user_id"] == str(user.pk)
    assert row.payload["email"] == "ann@example.com"
    assert PasswordResetToken.objects.filter(user=user).count() == 1


def test_the_reset_token_is_masked_wherever_the_event_is_shown(user, reset_mailbox):
    identity_use_cases().request_password_reset(email="ann@example.com")
    mail = reset_mailbox.to("ann@example.com")

    shown = masked_payload(PasswordResetRequested, mail.stored_payload)

    assert shown["reset_token"] == MASK
    assert mail.event.reset_token not in json.dumps(shown)
    assert shown["email"] == "ann@example.com"


def test_a_reset_request_for_an_unknown_email_writes_nothing(user):
    identity_use_cases().request_password_reset(email="nobody@example.com")
    assert OutboxEvent.objects.count() == 0
    assert PasswordResetToken.objects.count() == 0


def test_a_reset_request_whose_outbox_write_fails_leaves_no_token(user, monkeypatch):
    def broken_store(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr("shared_kernel.messaging.outbox.store", broken_store)

    with pytest.raises(RuntimeError):
        identity_use_cases().request_password_reset(email="ann@example.com")

    assert PasswordResetToken.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


def test_a_registration_whose_outbox_write_fails_leaves_no_account(db, monkeypatch):
    def broken_store(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr("shared_kernel.messaging.outbox.store", broken_store)

    with pytest.raises(RuntimeError):
        identity_use_cases().register_user(email="ann@example.com", password=PASSWORD)

    assert User.objects.count() == 0
