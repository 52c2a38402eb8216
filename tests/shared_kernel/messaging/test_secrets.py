"""Secrets in event payloads never rest readable (ARCHITECTURE.md §3, ADR 0016).

A field an event names in `secret_fields` is sealed by the codec (Fernet, keys from
EVENT_ENCRYPTION_KEYS: the first encrypts, every one listed decrypts), opened only for its
subscribers, and scrubbed from the outbox once every delivery of its event is done or
skipped; a dead letter keeps it for its replay. Logs and stored errors mask it.
"""

import dataclasses
import importlib
import io
import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
import structlog
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from shared_kernel.domain import events as event_registry
from shared_kernel.messaging import consumer, operations, scrub
from shared_kernel.messaging.consumer import Outcome
from shared_kernel.messaging.envelope import Envelope
from shared_kernel.messaging.models import Delivery, OutboxEvent
from shared_kernel.messaging.serialization import (
    MASK,
    EventDecodeError,
    EventSchemaError,
    SecretScrubbed,
    decode_event,
    describe_event,
    encode_event,
)
from shared_kernel.messaging.testing import deliver_pending
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork
from shared_kernel.observability.redaction import mask_secrets
from tests.messaging_testapp.events import EverythingProbed
from tests.shared_kernel.messaging.test_serialization import _everything
from tests.support.log_capture import rendered_log_lines
from tests.support.processes import wait_until

TOKEN = "tok-" + "Zq7" * 14  # stands for a reset token: 46 characters, easy to grep for

pytestmark = pytest.mark.django_db


BASE = _everything()


def secretive(token: str = TOKEN) -> EverythingProbed:
    return dataclasses.replace(BASE, reset_token=token)


def publish(token: str = TOKEN) -> OutboxEvent:
    with DjangoUnitOfWork() as uow:
        uow.publish(secretive(token), aggregate_id="thing")
    return OutboxEvent.objects.filter(event_type="EverythingProbed").latest("occurred_at")


def stored(event: OutboxEvent) -> dict[str, Any]:
    payload: dict[str, Any] = OutboxEvent.objects.values_list("payload", flat=True).get(pk=event.pk)
    return payload


def readable_anywhere(token: str) -> bool:
    """Whether the token is in plain text in any outbox or delivery row, as stored."""
    rows = [*OutboxEvent.objects.values_list("payload"), *Delivery.objects.values_list()]
    return token in json.dumps(rows, default=str)


class Received:
    """A subscriber that keeps what it was handed."""

    def __init__(self) -> None:
        self.events: list[EverythingProbed] = []

    def __call__(self, event: EverythingProbed, envelope: Envelope) -> None:
        self.events.append(event)


@pytest.fixture
def received(subscribe: Any) -> Received:
    handler = Received()
    subscribe(EverythingProbed, handler, name="t.mailer", mode="inline")
    return handler


def test_a_secret_rests_sealed_and_its_subscriber_gets_it_whole(received: Received) -> None:
    event = publish()

    sealed = stored(event)["reset_token"]
    assert set(sealed) == {"$sealed"}
    assert not readable_anywhere(TOKEN)
    assert stored(event)["amount"] == "12.3400", "only the secret is sealed"
    with pytest.raises(InvalidToken):  # not recoverable without the key
        Fernet(Fernet.generate_key()).decrypt(sealed["$sealed"].encode())

    deliver_pending()

    assert [e.reset_token for e in received.events] == [TOKEN]
    assert received.events[0] == secretive()


def test_the_codec_seals_secrets_without_changing_the_event_or_its_schema() -> None:
    wire = json.loads(json.dumps(encode_event(secretive())))

    assert TOKEN not in json.dumps(wire)
    assert decode_event(EverythingProbed, wire) == secretive()
    assert describe_event(EverythingProbed)["fields"]["reset_token"] == "str"
    again = encode_event(secretive())["reset_token"]
    assert again != wire["reset_token"], "a fresh IV each time: equal secrets do not show"


def test_a_tampered_secret_is_a_decode_error_never_another_value() -> None:
    wire = encode_event(secretive())
    token = wire["reset_token"]["$sealed"]
    forged = token[:-8] + ("A" if token[-8] != "A" else "B") + token[-7:]

    with pytest.raises(EventDecodeError, match="none of EVENT_ENCRYPTION_KEYS"):
        decode_event(EverythingProbed, {**wire, "reset_token": {"$sealed": forged}})


def test_a_secret_written_in_plain_text_by_older_code_still_decodes() -> None:
    wire = encode_event(secretive())

    assert decode_event(EverythingProbed, {**wire, "reset_token": TOKEN}) == secretive()


def test_secret_fields_must_name_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(event_registry, "_registry", dict(event_registry._registry))

    class Typo(EverythingProbed):
        event_type = "tests.SecretTypo"
        secret_fields = frozenset({"reset_tokne"})

    with pytest.raises(EventSchemaError, match="reset_tokne"):
        describe_event(Typo)


class TestRotation:
    def test_the_first_key_encrypts_and_every_listed_key_decrypts(
        self, settings: SettingsWrapper
    ) -> None:
        old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        settings.EVENT_ENCRYPTION_KEYS = [old]
        written_before = encode_event(secretive())

        settings.EVENT_ENCRYPTION_KEYS = [new, old]  # rotated: a new key first

        assert decode_event(EverythingProbed, written_before) == secretive()
        written_after = encode_event(secretive())["reset_token"]["$sealed"].encode()
        assert MultiFernet([Fernet(new)]).decrypt(written_after)
        with pytest.raises(InvalidToken):
            Fernet(old).decrypt(written_after)

        settings.EVENT_ENCRYPTION_KEYS = [new]  # the old key dropped
        with pytest.raises(EventDecodeError, match="was its key dropped"):
            decode_event(EverythingProbed, written_before)

    def test_reseal_moves_every_secret_to_the_first_key_so_the_old_one_can_go(
        self, settings: SettingsWrapper, received: Received
    ) -> None:
        old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        settings.EVENT_ENCRYPTION_KEYS = [old]
        event = publish()
        settings.EVENT_ENCRYPTION_KEYS = [new, old]

        out = io.StringIO()
        call_command("outbox", "reseal", stdout=out)

        assert out.getvalue() == "resealed: 1\nscrubbed: 0\n"
        settings.EVENT_ENCRYPTION_KEYS = [new]
        assert decode_event(EverythingProbed, stored(event)) == secretive()
        deliver_pending()
        assert [e.reset_token for e in received.events] == [TOKEN]


class TestScrub:
    def test_the_secret_goes_once_every_delivery_is_done(self, subscribe: Any) -> None:
        first, second = Received(), Received()
        subscribe(EverythingProbed, first, name="t.first", mode="inline")
        subscribe(EverythingProbed, second, name="t.second", mode="inline")
        event = publish()
        one = Delivery.objects.get(subscriber="t.first")

        assert consumer.consume(one.pk).outcome is Outcome.DONE
        assert set(stored(event)["reset_token"]) == {"$sealed"}, "t.second still needs it"

        deliver_pending()

        assert set(stored(event)["reset_token"]) == {"$scrubbed"}
        assert second.events[0].reset_token == TOKEN
        assert stored(event)["amount"] == "12.3400", "only the secret goes"

    def test_a_dead_letter_keeps_it_for_its_replay_and_a_skip_settles_it(
        self, subscribe: Any, settings: SettingsWrapper
    ) -> None:
        settings.OUTBOX_MAX_ATTEMPTS, settings.OUTBOX_RETRY_BACKOFF_SECONDS = 1, 0
        fine, state = Received(), {"broken": True}

        def fragile(event: EverythingProbed, envelope: Envelope) -> None:
            if state["broken"]:
                raise RuntimeError("mail server down")
            fine(event, envelope)

        subscribe(EverythingProbed, Received(), name="t.done", mode="inline")
        subscribe(EverythingProbed, fragile, name="t.fragile", mode="inline")
        event = publish()
        deliver_pending()
        dead = Delivery.objects.get(subscriber="t.fragile")
        assert dead.status == "dead"
        assert set(stored(event)["reset_token"]) == {"$sealed"}

        state["broken"] = False
        operations.replay(Delivery.objects.filter(pk=dead.pk))
        deliver_pending()

        assert [e.reset_token for e in fine.events] == [TOKEN], "the replay had the secret"
        assert set(stored(event)["reset_token"]) == {"$scrubbed"}

    def test_skipping_the_last_delivery_scrubs_and_a_later_replay_says_why_it_cannot_run(
        self, subscribe: Any
    ) -> None:
        subscribe(EverythingProbed, Received(), name="t.done", mode="inline")
        subscribe(EverythingProbed, Received(), name="t.skipped", mode="inline")
        event = publish()
        skipped = Delivery.objects.filter(subscriber="t.skipped")
        assert operations.skip(skipped) == 1
        deliver_pending()
        assert set(stored(event)["reset_token"]) == {"$scrubbed"}

        operations.replay(skipped)
        deliver_pending()

        again = skipped.get()
        assert again.status == "dead"
        assert "reset_token was scrubbed" in again.last_error

    def test_a_copy_of_a_done_delivery_after_the_scrub_is_a_duplicate(
        self, received: Received
    ) -> None:
        """The inbox guards a copy even when the secret it would need is gone."""
        event = publish()
        deliver_pending()
        assert set(stored(event)["reset_token"]) == {"$scrubbed"}
        delivery = Delivery.objects.get()
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.HANDED_OVER)

        assert consumer.consume(delivery.pk).outcome is Outcome.DUPLICATE
        assert Delivery.objects.get().status == "done"
        assert len(received.events) == 1

    def test_skip_alone_scrubs_when_it_settles_the_last_delivery(self, subscribe: Any) -> None:
        subscribe(EverythingProbed, Received(), name="t.skipped", mode="inline")
        event = publish()

        operations.skip(Delivery.objects.all())

        assert set(stored(event)["reset_token"]) == {"$scrubbed"}

    def test_an_event_no_one_subscribes_to_is_written_scrubbed(self) -> None:
        event = publish()

        assert Delivery.objects.count() == 0
        assert set(stored(event)["reset_token"]) == {"$scrubbed"}
        with pytest.raises(SecretScrubbed):
            consumer.decoded(OutboxEvent.objects.get(pk=event.pk))

    def test_the_admin_shows_a_sealed_or_scrubbed_secret_masked(
        self, admin_client: Any, received: Received
    ) -> None:
        event = publish()
        page = f"/admin/messaging/outboxevent/{event.pk}/change/"
        sealed = stored(event)["reset_token"]["$sealed"]

        before = admin_client.get(page).content.decode()
        deliver_pending()
        after = admin_client.get(page).content.decode()

        for shown in (before, after):
            assert f"&quot;reset_token&quot;: &quot;{MASK}&quot;" in shown
            assert TOKEN not in shown
            assert sealed not in shown


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_settling_at_once_leave_the_secret_scrubbed(
    subscribe: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both runs have settled (uncommitted) before either looks at the other's delivery,
    and the first to look keeps its transaction open until the other has looked too or
    waits on a lock. With the event row locked first, the second waits for the first's
    commit, then sees both settled and scrubs; without the lock each sees the other still
    running and neither scrubs."""
    subscribe(EverythingProbed, Received(), name="t.first")
    subscribe(EverythingProbed, Received(), name="t.second")
    event = publish()
    both_settled = threading.Barrier(2, timeout=30)
    backends: list[int] = []
    looked: list[int] = []
    scrubbed: list[int] = []
    scrub_settled = scrub.scrub_settled

    def held_until_both_looked(event_ids: Any) -> int:
        me = _backend_pid()
        backends.append(me)
        both_settled.wait()
        done = scrub_settled(event_ids)
        looked.append(me)
        others = [pid for pid in backends if pid != me]
        assert wait_until(lambda: len(looked) == 2 or _waits_on_a_lock(others), timeout=30)
        scrubbed.append(done)
        return done

    monkeypatch.setattr(scrub, "scrub_settled", held_until_both_looked)
    ids = list(Delivery.objects.values_list("pk", flat=True))

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(_on_own_connection(consumer.consume), ids))

    assert [result.outcome for result in outcomes] == [Outcome.DONE, Outcome.DONE]
    assert sorted(scrubbed) == [0, 1], "the last one to settle scrubbed"
    assert set(stored(event)["reset_token"]) == {"$scrubbed"}


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid: int = cursor.fetchone()[0]
    return pid


def _waits_on_a_lock(pids: list[int]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE pid = ANY(%s) AND wait_event_type = 'Lock'",
            [pids],
        )
        return bool(cursor.fetchone()[0])


def _on_own_connection(work: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any) -> Any:
        try:
            return work(*args)
        finally:
            connection.close()

    return run


class TestLogs:
    @pytest.fixture
    def log_lines(self) -> Iterator[io.StringIO]:
        with rendered_log_lines() as lines:
            yield lines

    def test_a_subscriber_quoting_the_secret_in_its_error_leaves_it_nowhere(
        self, subscribe: Any, settings: SettingsWrapper, log_lines: io.StringIO
    ) -> None:
        settings.OUTBOX_MAX_ATTEMPTS, settings.OUTBOX_RETRY_BACKOFF_SECONDS = 1, 0

        def careless(event: EverythingProbed) -> None:
            raise ValueError(f"could not mail the link with {event.reset_token}")

        subscribe(EverythingProbed, careless, name="t.careless", mode="inline")
        publish()
        deliver_pending()

        dead = Delivery.objects.get()
        assert f"could not mail the link with {MASK}" in dead.last_error
        assert not readable_anywhere(TOKEN)
        assert "subscriber_failed" in log_lines.getvalue()
        assert "event_published" in log_lines.getvalue()
        assert TOKEN not in log_lines.getvalue()

    def test_a_secret_named_in_a_log_event_is_masked(self, log_lines: io.StringIO) -> None:
        structlog.get_logger("test").info(
            "careless", reset_token=TOKEN, payload={"reset_token": TOKEN, "sku": "MUG-1"}
        )

        line = json.loads(log_lines.getvalue().splitlines()[-1])
        assert line["reset_token"] == MASK
        assert line["payload"] == {"reset_token": MASK, "sku": "MUG-1"}

    def test_the_processor_masks_passwords_secrets_and_tokens_only(self) -> None:
        masked = mask_secrets(
            None,
            "info",
            {"event": "x", "password": "p", "api_secret": "s", "refresh_token": "r",
             "token_type": "Bearer", "email": "a@b.co"},
        )  # fmt: skip

        assert masked == {
            "event": "x", "password": MASK, "api_secret": MASK, "refresh_token": MASK,
            "token_type": "Bearer", "email": "a@b.co",
        }  # fmt: skip


def test_the_migration_seals_plain_secrets_still_needed_and_scrubs_the_rest(
    subscribe: Any,
) -> None:
    subscribe(EverythingProbed, Received(), name="t.mailer", mode="inline")
    plain = {"waiting": "tok-waiting-" + "x" * 30, "settled": "tok-settled-" + "y" * 30}
    rows = {name: publish(token) for name, token in plain.items()}
    Delivery.objects.filter(event=rows["settled"]).update(status="done", settled_at=timezone.now())
    for name, row in rows.items():  # as the code before sealing wrote them
        OutboxEvent.objects.filter(pk=row.pk).update(
            payload={**stored(row), "reset_token": plain[name]}
        )
    migration = importlib.import_module(
        "shared_kernel.messaging.migrations.0003_seal_event_secrets"
    )

    migration.seal_plain_secrets(django_apps, None)

    assert set(stored(rows["waiting"])["reset_token"]) == {"$sealed"}
    assert set(stored(rows["settled"])["reset_token"]) == {"$scrubbed"}
    assert not any(readable_anywhere(token) for token in plain.values())
    assert decode_event(EverythingProbed, stored(rows["waiting"])) == secretive(plain["waiting"])


def test_prune_still_removes_an_old_settled_event_with_its_scrubbed_secret(
    received: Received,
) -> None:
    publish()
    deliver_pending()
    Delivery.objects.update(settled_at=timezone.now() - timedelta(days=30))
    OutboxEvent.objects.update(occurred_at=timezone.now() - timedelta(days=30))

    assert operations.prune().events == 1
    assert OutboxEvent.objects.count() == 0
