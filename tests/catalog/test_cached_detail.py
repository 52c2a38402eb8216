"""The product page: cached, sent with an ETag that changes whenever anything in the body
does (edit, SKU added, price, publish, unpublish, stock), 304 for a current
`If-None-Match`; served from the cache it runs no SQL; with the cache down it is read from
the database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contexts.catalog.application.services import catalog_use_cases
from contexts.catalog.domain.values import Slug
from contexts.catalog.infrastructure.pages import DjangoProductPageCache
from shared_kernel.infrastructure import cache as cache_module
from tests.catalog.conftest import eur, price
from tests.identity.helpers import problem

pytestmark = pytest.mark.django_db

PAGE = "/api/v1/catalog/products/linen-shirt"
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def shirt(make_product):
    return make_product("linen-shirt", prices=("19.90",), name="Linen shirt")


def etag_of(api) -> str:
    response = api.get(PAGE)
    assert response.status_code == 200, response.content
    return str(response["ETag"])


def test_a_current_etag_gets_304_and_a_stale_one_the_page(api, staff_api, shirt):
    etag = etag_of(api)

    not_modified = api.get(PAGE, HTTP_IF_NONE_MATCH=etag)
    assert (not_modified.status_code, not_modified.content) == (304, b"")
    assert not_modified["ETag"] == etag
    assert api.get(PAGE, HTTP_IF_NONE_MATCH=f'W/{etag}, "other"').status_code == 304

    staff_api.patch("/api/v1/catalog/skus/LINEN-SHIRT-0", {"price": price("25")}, format="json")
    fresh = api.get(PAGE, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh.json()["skus"][0]["price"] == price("25.00")
    assert fresh["ETag"] != etag


def test_a_page_served_from_the_cache_runs_no_sql(api, shirt):
    first = api.get(PAGE)

    with CaptureQueriesContext(connection) as queries:
        again = api.get(PAGE)

    assert len(queries) == 0, [query["sql"] for query in queries]
    assert (again.content, again["ETag"]) == (first.content, first["ETag"])


CHANGES = {
    "an edit": lambda: catalog_use_cases().edit_product(slug="linen-shirt", name="Linen top"),
    "a SKU added": lambda: catalog_use_cases().add_sku(
        slug="linen-shirt", code="LS-XL", attributes={}, price=eur("30")
    ),
    "a price": lambda: catalog_use_cases().change_sku(code="LINEN-SHIRT-0", price=eur("9")),
    "attributes": lambda: catalog_use_cases().change_sku(
        code="LINEN-SHIRT-0", attributes={"size": "XXL"}
    ),
    "stock": lambda: catalog_use_cases().record_availability(
        sku="LINEN-SHIRT-0", available=7, sequence=3
    ),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_change_to_the_body_gives_a_new_body_and_etag(api, shirt, change):
    before = api.get(PAGE)

    change()
    after = api.get(PAGE)

    assert after.status_code == 200
    assert after.content != before.content
    assert after["ETag"] != before["ETag"]


def test_unpublishing_removes_the_page_and_publishing_brings_it_back(api, shirt):
    etag = etag_of(api)

    catalog_use_cases().unpublish_product(slug="linen-shirt")
    problem(api.get(PAGE, HTTP_IF_NONE_MATCH=etag), 404)

    catalog_use_cases().publish_product(slug="linen-shirt")
    assert etag_of(api) == etag  # the same body again: the same tag


def test_a_stock_figure_older_than_the_one_held_keeps_page_and_etag(api, shirt):
    record = catalog_use_cases().record_availability
    record(sku="LINEN-SHIRT-0", available=5, sequence=4)
    etag = etag_of(api)

    record(sku="LINEN-SHIRT-0", available=1, sequence=3)

    assert etag_of(api) == etag
    assert api.get(PAGE).json()["skus"][0]["available"] == 5


def test_with_the_cache_down_pages_are_read_from_the_database(api, shirt, settings, monkeypatch):
    monkeypatch.setattr(cache_module, "_unreachable_until", {})
    settings.CACHES = {
        "default": {
            "BACKEND": "shared_kernel.infrastructure.cache.FailOpenRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    etag = etag_of(api)

    catalog_use_cases().change_sku(code="LINEN-SHIRT-0", price=eur("11"))
    response = api.get(PAGE, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response.json()["skus"][0]["price"] == price("11.00")


def test_a_page_rendered_before_a_change_is_never_served_after_it(db):
    """A reader renders from rows read before a change; the change's `forget` runs while
    it renders; what the reader stores then carries the retired token and is a miss."""
    pages = DjangoProductPageCache()

    def render_while_the_change_commits() -> bytes:
        pages.forget(Slug("linen-shirt"))
        return b'{"price": "old"}'

    stale = pages.page("linen-shirt", render_while_the_change_commits)
    fresh = pages.page("linen-shirt", lambda: b'{"price": "new"}')
    again = pages.page("linen-shirt", lambda: b"never rendered: served from the cache")

    assert (stale.body, fresh.body, again.body) == (
        b'{"price": "old"}',
        b'{"price": "new"}',
        b'{"price": "new"}',
    )
    assert again.etag == fresh.etag != stale.etag
