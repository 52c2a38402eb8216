"""Writes two requests can make at once, raced on PostgreSQL, each side on its own
connection (a thread each; over HTTP against the live server for the product edit).

The use cases check uniqueness early for a friendly answer; in a race both checks pass
before either insert, and the database's unique constraints decide. The tests hold both
sides past the check (a barrier) so the constraint, not the check, is what answers: one
side wins, the other gets the same 409 a sequential duplicate gets, never a 500.
"""

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from contexts.catalog.application.services import catalog_use_cases
from contexts.catalog.domain.errors import SkuCodeTaken, SlugTaken
from contexts.catalog.infrastructure.availability import DjangoAvailabilityLedger
from contexts.catalog.infrastructure.repositories import (
    DjangoCategoryRepository,
    DjangoProductRepository,
)
from contexts.catalog.models import Category, Product, Sku, SkuAvailability
from shared_kernel.domain.aggregate import StaleAggregate
from tests.catalog.conftest import eur
from tests.identity.helpers import session_of
from tests.support.factories import StaffFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads started together; each result, or the exception raised."""
    start = threading.Barrier(len(calls), timeout=TIMEOUT)

    def run(call: Callable[[], Any]) -> Any:
        start.wait()
        try:
            return call()
        except Exception as error:
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [future.result() for future in [pool.submit(run, call) for call in calls]]


@contextmanager
def held_at(owner: type, method: str, parties: int = 2) -> Iterator[None]:
    """Every side waits in `owner.method` until all have reached it: all have loaded (or
    checked) before any writes."""
    original = getattr(owner, method)
    meeting = threading.Barrier(parties, timeout=TIMEOUT)

    def waiting(self: Any, *args: Any, **kwargs: Any) -> Any:
        meeting.wait()
        return original(self, *args, **kwargs)

    setattr(owner, method, waiting)
    try:
        yield
    finally:
        setattr(owner, method, original)


@contextmanager
def checks_pass(owner: type, method: str, answer: Any) -> Iterator[None]:
    """The early check finds nothing, as when both sides run it before either inserts."""
    original = getattr(owner, method)
    setattr(owner, method, lambda self, *args, **kwargs: answer)
    try:
        yield
    finally:
        setattr(owner, method, original)


def outcomes(results: list[Any]) -> list[str]:
    return sorted(type(result).__name__ for result in results)


@pytest.fixture
def shirts(db: None) -> None:
    catalog_use_cases().create_category(slug="shirts", name="Shirts")


def new_product(slug: str, code: str) -> Callable[[], Any]:
    return lambda: catalog_use_cases().create_product(
        name=slug,
        slug=slug,
        category="shirts",
        skus=[{"code": code, "attributes": {}, "price": eur("10")}],
    )


def test_one_sku_code_in_two_new_products_at_once(shirts):
    with checks_pass(DjangoProductRepository, "taken_codes", set()):
        results = at_once(new_product("first", "SAME-1"), new_product("second", "SAME-1"))

    assert outcomes(results) == ["Product", "SkuCodeTaken"]
    assert Sku.objects.filter(code="SAME-1").count() == 1
    assert Product.objects.count() == 1


def test_one_slug_for_two_new_products_at_once(shirts):
    with checks_pass(DjangoProductRepository, "slug_taken", False):
        results = at_once(new_product("same", "A-1"), new_product("same", "B-1"))

    assert outcomes(results) == ["Product", "SlugTaken"]
    assert isinstance(next(r for r in results if isinstance(r, Exception)), SlugTaken)
    assert Product.objects.count() == 1


def test_one_category_slug_twice_at_once(db):
    create = catalog_use_cases().create_category
    with checks_pass(DjangoCategoryRepository, "find", None):
        results = at_once(
            lambda: create(slug="tees", name="Tees"), lambda: create(slug="tees", name="T")
        )

    assert outcomes(results) == ["Category", "SlugTaken"]
    assert Category.objects.filter(slug="tees").count() == 1


def test_one_code_added_to_two_products_at_once(shirts):
    new_product("first", "FIRST-1")()
    new_product("second", "SECOND-1")()
    add = catalog_use_cases().add_sku

    with checks_pass(DjangoProductRepository, "taken_codes", set()):
        results = at_once(
            lambda: add(slug="first", code="NEW-1", attributes={}, price=eur("1")),
            lambda: add(slug="second", code="NEW-1", attributes={}, price=eur("1")),
        )

    assert outcomes(results) == ["Product", "SkuCodeTaken"]
    assert isinstance(next(r for r in results if isinstance(r, Exception)), SkuCodeTaken)
    assert Sku.objects.filter(code="NEW-1").count() == 1


def test_two_changes_of_one_product_at_once_one_wins_one_is_stale(shirts):
    new_product("shirt", "SHIRT-1")()
    use_cases = catalog_use_cases()

    with held_at(DjangoProductRepository, "save"):
        results = at_once(
            lambda: use_cases.edit_product(slug="shirt", name="Renamed"),
            lambda: use_cases.change_sku(code="SHIRT-1", price=eur("99")),
        )

    stale = [r for r in results if isinstance(r, StaleAggregate)]
    assert len(stale) == 1, results
    stored = Product.objects.get()
    assert stored.version == 2
    renamed, repriced = stored.name == "Renamed", Sku.objects.get().price_amount == 99
    assert renamed != repriced  # exactly the winner's change, nothing of the loser's


def test_stock_figures_racing_for_a_new_sku_keep_the_newest(db):
    ledger = DjangoAvailabilityLedger()
    for round_ in range(30):
        sku = f"RACE-{round_}"
        at_once(
            lambda sku=sku: ledger.record(sku, available=1, sequence=1),
            lambda sku=sku: ledger.record(sku, available=2, sequence=2),
        )
        held = SkuAvailability.objects.get(sku_id=sku)
        assert (held.available, held.sequence) == (2, 2), round_


def patch_over_http(
    base_url: str, path: str, token: str, body: dict[str, Any]
) -> tuple[int, str, Any]:
    request = urllib.request.Request(
        base_url + path,
        data=json.dumps(body).encode(),
        method="PATCH",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, response.headers["Content-Type"], json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers["Content-Type"], json.loads(error.read())


@pytest.fixture
def unthrottled(settings: Settings) -> None:
    rates = {name: None for name in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def test_two_staff_patches_of_one_product_give_one_200_and_one_409(
    live_server: LiveServer, unthrottled: None, shirts: None
) -> None:
    new_product("shirt", "SHIRT-1")()
    token = session_of(StaffFactory.create()).access
    path = "/api/v1/catalog/products/shirt"

    with held_at(DjangoProductRepository, "save"):
        results = at_once(
            lambda: patch_over_http(live_server.url, path, token, {"name": "By Ann"}),
            lambda: patch_over_http(live_server.url, path, token, {"name": "By Bob"}),
        )

    statuses = sorted(status for status, _, _ in results)
    assert statuses == [200, 409], results
    winner = next(body for status, _, body in results if status == 200)
    loser_type, loser = next((kind, body) for status, kind, body in results if status == 409)
    assert loser_type.startswith("application/problem+json")
    assert loser["status"] == 409
    assert Product.objects.get().name == winner["name"]
