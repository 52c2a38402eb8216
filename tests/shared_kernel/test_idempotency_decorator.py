"""`@idempotent` on its own, on a view that knows nothing of orders: what it replays, what
it keeps, what it forgets, and that an answer commits with its effect or not at all. The
keys live in ordering's table, the one concrete `IdempotencyKeyBase` there is."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from contexts.ordering.models import IdempotencyKey
from shared_kernel.api.idempotency import IdempotencyKeys, idempotent
from shared_kernel.domain.errors import Conflict
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


class Things(APIView):
    """Creates a user per run (an effect to count); `fail` picks how the run ends."""

    runs = 0

    @idempotent(lambda: IdempotencyKeys(IdempotencyKey))
    def post(self, request: Request) -> Response:
        Things.runs += 1
        UserFactory(email=f"made-{Things.runs}@example.com")
        fail = dict(request.data).get("fail")
        if fail == "crash":
            raise RuntimeError("a bug")
        if fail == "conflict":
            raise Conflict("not now")
        if fail == "overtaken":  # another request took the key over while this one ran
            IdempotencyKey.objects.update(claim="00000000-0000-0000-0000-000000000000")
        return Response({"run": Things.runs}, status=status.HTTP_201_CREATED)


@pytest.fixture(autouse=True)
def fresh_count() -> None:
    Things.runs = 0


@pytest.fixture
def caller(db: None) -> Any:
    return UserFactory(email="caller@example.com")


def post(caller: Any, body: dict[str, Any], *, key: str | None = "k", path: str = "/t") -> Any:
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    request = APIRequestFactory().post(path, body, format="json", **headers)
    force_authenticate(request, caller)
    response = Things.as_view()(request)
    if hasattr(response, "render"):  # a replay is a plain, already rendered HttpResponse
        response.render()
    return response


def made() -> int:
    return get_user_model().objects.filter(email__startswith="made-").count()


def test_without_the_header_every_request_runs(caller: Any) -> None:
    post(caller, {}, key=None)
    post(caller, {}, key=None)
    assert (Things.runs, made()) == (2, 2)


def test_a_replay_is_the_first_answer_and_runs_nothing(caller: Any) -> None:
    first = post(caller, {"a": 1})
    again = post(caller, {"a": 1})

    assert (again.status_code, again.content) == (201, first.content)
    assert again["Idempotent-Replayed"] == "true"
    assert (Things.runs, made()) == (1, 1)


def test_keys_are_per_route(caller: Any) -> None:
    post(caller, {}, path="/t")
    other = post(caller, {}, path="/u")

    assert other.status_code == 201
    assert "Idempotent-Replayed" not in other
    assert Things.runs == 2


def test_a_refusal_is_kept_and_its_effect_rolled_back(caller: Any) -> None:
    first = post(caller, {"fail": "conflict"})
    again = post(caller, {"fail": "conflict"})

    assert (first.status_code, again.status_code) == (409, 409)
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert (Things.runs, made()) == (1, 0)


def test_a_5xx_is_not_kept_and_a_retry_runs(caller: Any) -> None:
    crashed = post(caller, {"fail": "crash"})
    retried = post(caller, {"fail": "crash"})

    assert (crashed.status_code, retried.status_code) == (500, 500)
    assert "Idempotent-Replayed" not in retried
    assert (Things.runs, made()) == (2, 0)
    assert not IdempotencyKey.objects.exists()


def test_a_run_overtaken_before_it_answered_commits_nothing(caller: Any) -> None:
    overtaken = post(caller, {"fail": "overtaken"})

    assert overtaken.status_code == 409
    assert made() == 0
    assert IdempotencyKey.objects.get().status is None
