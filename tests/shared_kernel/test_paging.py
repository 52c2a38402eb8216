"""Keyset paging (shared_kernel.infrastructure.paging, shared_kernel.api.paging): every row
once, in order, both ways, whatever the ties; bad cursors and page sizes are 400."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from contexts.identity.models import User
from shared_kernel.application.pages import InvalidCursor, PageRequest
from shared_kernel.domain.errors import InvalidInput
from shared_kernel.infrastructure.paging import keyset_page

pytestmark = pytest.mark.django_db

SAME_MOMENT = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def accounts() -> list[User]:
    """53 accounts, many sharing a name and all sharing date_joined: ties everywhere."""
    users = [
        User(
            id=uuid.uuid4(),
            email=f"user{index}@example.com",
            full_name=f"Name {index % 7}",
            date_joined=SAME_MOMENT,
        )
        for index in range(53)
    ]
    User.objects.bulk_create(users)
    return users


def _emails(queryset: Any, request: PageRequest, order: tuple[str, ...]) -> Any:
    return keyset_page(queryset, request, order=order, to_item=lambda user: user.email)


def _walk_forward(order: tuple[str, ...], size: int) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = _emails(User.objects.all(), PageRequest(cursor=cursor, size=size), order)
        pages.append(list(page.items))
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


@pytest.mark.parametrize(
    "order", [("full_name", "id"), ("-full_name", "-id"), ("-date_joined", "id")]
)
def test_walking_forward_gives_every_row_once_in_order(
    accounts: list[User], order: tuple[str, ...]
):
    expected = list(User.objects.order_by(*order).values_list("email", flat=True))

    pages = _walk_forward(order, size=10)

    assert [len(page) for page in pages] == [10, 10, 10, 10, 10, 3]
    assert [email for page in pages for email in page] == expected


def test_walking_back_from_the_last_page_gives_the_same_pages(accounts: list[User]):
    order = ("full_name", "id")
    forward = _walk_forward(order, size=10)
    page = _emails(User.objects.all(), PageRequest(size=10), order)
    while page.next_cursor:
        page = _emails(User.objects.all(), PageRequest(cursor=page.next_cursor, size=10), order)

    backward = [list(page.items)]
    while page.previous_cursor:
        page = _emails(User.objects.all(), PageRequest(cursor=page.previous_cursor, size=10), order)
        backward.insert(0, list(page.items))

    assert backward == forward
    assert page.previous_cursor is None
    assert page.next_cursor is not None


def test_the_first_page_has_no_previous_and_a_short_list_no_next(accounts: list[User]):
    page = _emails(User.objects.all(), PageRequest(size=100), ("full_name", "id"))

    assert len(page.items) == 53
    assert page.next_cursor is None
    assert page.previous_cursor is None


def test_a_row_added_before_the_page_does_not_shift_it(accounts: list[User]):
    order = ("full_name", "id")
    first = _emails(User.objects.all(), PageRequest(size=10), order)
    User.objects.create(id=uuid.uuid4(), email="early@example.com", full_name="Name 0")

    second = _emails(User.objects.all(), PageRequest(cursor=first.next_cursor, size=10), order)

    expected = list(User.objects.order_by(*order).values_list("email", flat=True))
    start = expected.index(first.items[-1]) + 1
    assert list(second.items) == expected[start : start + 10]


@pytest.mark.parametrize("size", [5, 50])
def test_one_query_a_page_whatever_its_size(accounts, django_assert_num_queries, size):
    with django_assert_num_queries(1):
        page = _emails(User.objects.all(), PageRequest(size=size), ("full_name", "id"))

    assert len(page.items) == size


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        "eyJkIjoibiJ9",
        "eyJkIjoibiIsImsiOlsiYSJdfQ",
        "eyJkIjoibiIsImsiOlsiYSIsIm5vdC1hLXV1aWQiXX0",
    ],
    ids=["garbage", "no keys", "too few keys", "a key of the wrong type"],
)
def test_a_cursor_this_list_did_not_hand_out_is_refused(accounts, cursor):
    with pytest.raises(InvalidCursor):
        _emails(User.objects.all(), PageRequest(cursor=cursor, size=10), ("full_name", "id"))


@pytest.mark.parametrize("size", [0, -1, 101])
def test_a_page_size_out_of_range_is_refused(size):
    with pytest.raises(InvalidInput) as refused:
        PageRequest(size=size)

    assert refused.value.field == "page_size"


@pytest.mark.urls("tests.shared_kernel.paging_urls")
class TestOverHttp:
    def test_links_keep_the_other_query_parameters(self, accounts):
        body = APIClient().get("/api/test/accounts?prefix=Name&page_size=20").json()

        assert set(body) == {"next", "previous", "results"}
        assert len(body["results"]) == 20
        assert body["next"].startswith("http://testserver/api/test/accounts?")
        assert "prefix=Name" in body["next"]
        assert "page_size=20" in body["next"]
        second = APIClient().get(body["next"]).json()
        assert APIClient().get(second["previous"]).json()["results"] == body["results"]

    def test_a_page_size_above_the_maximum_is_capped(self, accounts):
        body = APIClient().get("/api/test/accounts?page_size=500").json()

        assert len(body["results"]) == 53

    @pytest.mark.parametrize(
        ("query", "field"),
        [("page_size=abc", "page_size"), ("page_size=0", "page_size"), ("cursor=xyz", "cursor")],
    )
    def test_a_bad_page_parameter_is_a_400_problem(self, accounts, query, field):
        response = APIClient().get(f"/api/test/accounts?{query}")

        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert field in response.json()["errors"]
