"""Lists are cursor-paginated: 20 a page by default, at most 100, `{next, previous, results}`."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

pytestmark = [pytest.mark.urls("tests.shared_kernel.api.urls"), pytest.mark.django_db]


@pytest.fixture
def groups() -> list[str]:
    names = [f"group-{index:03d}" for index in range(130)]
    Group.objects.bulk_create(Group(name=name) for name in names)
    return names


def test_a_page_is_20_by_default_in_the_cursor_envelope(groups: list[str]) -> None:
    body = APIClient().get("/api/test/groups").json()

    assert set(body) == {"next", "previous", "results"}
    assert [item["name"] for item in body["results"]] == groups[:20]
    assert "cursor=" in body["next"]
    assert body["previous"] is None


def test_the_next_cursor_continues_where_the_page_ended(groups: list[str]) -> None:
    first = APIClient().get("/api/test/groups?page_size=5").json()

    second = APIClient().get(first["next"]).json()

    assert [item["name"] for item in second["results"]] == groups[5:10]
    assert second["previous"]


def test_page_size_is_capped_at_100(groups: list[str]) -> None:
    body = APIClient().get("/api/test/groups?page_size=500").json()

    assert len(body["results"]) == 100
