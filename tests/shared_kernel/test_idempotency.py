"""The Idempotency-Key store (`shared_kernel/api/idempotency.py`) on ordering's table:
claims, kept answers, take-overs and pruning, through the store's own methods."""

import hashlib
import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from contexts.ordering.models import IdempotencyKey
from contexts.ordering.tasks import prune_idempotency_keys
from shared_kernel.api.idempotency import (
    IN_FLIGHT_FOR,
    Claim,
    IdempotencyKeyReused,
    IdempotencyKeys,
    IdempotentRequestInFlight,
    KeptAnswer,
)

pytestmark = pytest.mark.django_db
SCOPE = "user-1 POST /api/v1/orders"


def fingerprint_of(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@pytest.fixture
def keys() -> IdempotencyKeys:
    return IdempotencyKeys(IdempotencyKey)


def claimed(keys: IdempotencyKeys, key: str = "k", fingerprint: str = "f") -> Claim:
    found = keys.claim(scope=SCOPE, key=key, fingerprint=fingerprint)
    assert isinstance(found, Claim)
    return found


def test_a_kept_answer_is_handed_back(keys: IdempotencyKeys) -> None:
    answer = KeptAnswer(202, "application/json", b'{"id":"1"}')
    keys.keep(claimed(keys), answer)

    assert keys.claim(scope=SCOPE, key="k", fingerprint="f") == answer


def test_another_fingerprint_is_refused(keys: IdempotencyKeys) -> None:
    claimed(keys)
    with pytest.raises(IdempotencyKeyReused):
        keys.claim(scope=SCOPE, key="k", fingerprint="other")


def test_a_running_claim_refuses_a_duplicate(keys: IdempotencyKeys) -> None:
    claimed(keys)
    with pytest.raises(IdempotentRequestInFlight):
        keys.claim(scope=SCOPE, key="k", fingerprint="f")


def test_a_released_claim_frees_the_key(keys: IdempotencyKeys) -> None:
    keys.release(claimed(keys))
    assert isinstance(keys.claim(scope=SCOPE, key="k", fingerprint="f"), Claim)


def test_a_crashed_requests_claim_is_taken_over_and_its_late_answer_refused(
    keys: IdempotencyKeys,
) -> None:
    crashed = claimed(keys)
    IdempotencyKey.objects.update(started_at=timezone.now() - IN_FLIGHT_FOR - timedelta(1))

    taken = claimed(keys)

    assert taken != crashed
    with pytest.raises(IdempotentRequestInFlight):
        keys.keep(crashed, KeptAnswer(202, "application/json", b"{}"))
    keys.keep(taken, KeptAnswer(201, "application/json", b"{}"))
    assert IdempotencyKey.objects.get().status == 201


def test_the_beat_task_prunes_keys_past_their_24_hours(keys: IdempotencyKeys) -> None:
    for key, age in (("old", timedelta(hours=24, minutes=1)), ("young", timedelta(hours=23))):
        claimed(keys, key=key)
        IdempotencyKey.objects.filter(key=key).update(created_at=timezone.now() - age)

    assert prune_idempotency_keys() == 1

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["young"]


def test_beat_prunes_hourly_on_orderings_queue(settings: Any) -> None:
    (entry,) = (
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == prune_idempotency_keys.name
    )
    assert entry["options"]["queue"] == "ordering"
    schedule = entry["schedule"]
    assert (len(schedule.minute), schedule.hour) == (1, set(range(24)))  # once an hour
