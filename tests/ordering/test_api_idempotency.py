"""`Idempotency-Key` on `POST /api/v1/orders` (ARCHITECTURE.md §5, ADR 0027)."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from contexts.catalog.contracts import catalog_facade
from contexts.ordering.models import IdempotencyKey, Order
from shared_kernel.api.idempotency import IdempotencyKeys
from tests.ordering.conftest import client_of
from tests.ordering.fakes import FakeCatalog
from tests.ordering.helpers import ORDERS, confirm, field_errors, order_body, problem
from tests.shared_kernel.test_idempotency import fingerprint_of

pytestmark = pytest.mark.django_db


def post(user: Any, body: dict[str, Any], key: str | None = "key-1") -> Any:
    headers = {} if key is None else {"Idempotency-Key": key}
    return client_of(user).post(ORDERS, body, format="json", headers=headers)


def test_a_replay_answers_the_first_response_exactly_and_places_nothing(ann: Any) -> None:
    first = post(ann, order_body())
    again = post(ann, order_body())

    assert first.status_code == again.status_code == 202
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Order.objects.count() == 1


def test_the_body_is_compared_as_parsed_json(ann: Any) -> None:
    first = post(ann, order_body())
    reordered = dict(reversed(list(order_body().items())))

    again = client_of(ann).post(
        ORDERS,
        data=" ".join(str(reordered).split()).replace("'", '"'),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="key-1",
    )

    assert again.status_code == 202
    assert again.content == first.content
    assert Order.objects.count() == 1


def test_the_replay_is_the_first_answer_even_after_the_order_moved_on(ann: Any) -> None:
    first = post(ann, order_body())
    confirm(first.json()["id"])

    again = post(ann, order_body())

    assert again.json()["status"] == "pending"
    assert again.content == first.content


def test_the_same_key_with_another_body_is_422(ann: Any) -> None:
    post(ann, order_body())

    problem(post(ann, order_body(payment_method="pm_card_chargeDeclined")), 422)
    assert Order.objects.count() == 1


def test_keys_are_per_user(ann: Any, bob: Any) -> None:
    mine, theirs = post(ann, order_body()), post(bob, order_body())

    assert mine.json()["id"] != theirs.json()["id"]
    assert Order.objects.count() == 2


def test_without_a_key_every_post_places_an_order(ann: Any) -> None:
    post(ann, order_body(), key=None)
    post(ann, order_body(), key=None)
    assert Order.objects.count() == 2


def test_a_4xx_answer_is_kept_too(ann: Any, catalog: FakeCatalog) -> None:
    body = order_body(lines=[{"sku": "SOON", "quantity": 1}])
    first = post(ann, body)
    catalog.add("SOON", "3.00")

    again = post(ann, body)

    assert "lines.0.sku" in field_errors(first)
    assert (again.status_code, again.content) == (400, first.content)
    assert again["Content-Type"].startswith("application/problem+json")
    assert again["Idempotent-Replayed"] == "true"
    assert not Order.objects.exists()


def test_a_5xx_answer_is_not_kept(ann: Any, catalog: FakeCatalog) -> None:
    class Unavailable(FakeCatalog):
        def skus(self, codes: Any) -> Any:
            raise RuntimeError("catalog down")

    with catalog_facade.overridden(Unavailable()):
        failed = post(ann, order_body())
    retried = post(ann, order_body())

    assert failed.status_code == 500
    assert retried.status_code == 202
    assert "Idempotent-Replayed" not in retried
    assert Order.objects.count() == 1


def test_a_request_still_running_makes_a_duplicate_409(ann: Any) -> None:
    keys = IdempotencyKeys(IdempotencyKey)

    keys.claim(
        scope=f"{ann.pk} POST {ORDERS}", key="key-1", fingerprint=fingerprint_of(order_body())
    )

    problem(post(ann, order_body()), 409)
    assert not Order.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9"])
def test_a_malformed_key_is_400(ann: Any, key: str) -> None:
    assert "Idempotency-Key" in field_errors(post(ann, order_body(), key=key))
    assert not Order.objects.exists()


def test_a_key_is_kept_24_hours(ann: Any) -> None:
    first = post(ann, order_body())
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=23, minutes=59))

    again = post(ann, order_body())

    assert (again["Idempotent-Replayed"], again.content) == ("true", first.content)
    assert Order.objects.count() == 1


@override_settings(IDEMPOTENCY_KEY_TTL_HOURS=0)
def test_an_expired_key_is_new_again(ann: Any) -> None:
    post(ann, order_body())
    again = post(ann, order_body())

    assert "Idempotent-Replayed" not in again
    assert Order.objects.count() == 2
