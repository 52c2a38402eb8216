"""Inventory with the real catalog (no fake facade): a SKU created through catalog's staff
API is read and restocked by inventory, and catalog's availability follows the stock once
the events are delivered (`deliver_pending`, as a worker would)."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from contexts.catalog.contracts import catalog_facade
from contexts.catalog.infrastructure.facade import DjangoCatalogFacade
from contexts.inventory.models import Stock
from shared_kernel.messaging.testing import deliver_pending
from tests.support.factories import StaffFactory

pytestmark = pytest.mark.django_db
CATALOG = "/api/v1/catalog"
STOCK = "/api/v1/inventory/stock"
EUR = "EUR"


@pytest.fixture(autouse=True)
def catalog() -> None:
    """Catalog's own facade, as wired on startup (the package's fake is not put in)."""
    assert isinstance(catalog_facade(), DjangoCatalogFacade)


@pytest.fixture
def staff(api: APIClient) -> APIClient:
    api.force_authenticate(StaffFactory.create())
    return api


@pytest.fixture
def shirt(staff: APIClient) -> dict[str, Any]:
    """A published product with two SKUs, created through catalog's staff API."""
    created = staff.post(f"{CATALOG}/categories", {"slug": "shirts", "name": "Shirts"})
    assert created.status_code == 201, created.content
    product = staff.post(
        f"{CATALOG}/products",
        {
            "name": "Linen shirt",
            "category": "shirts",
            "description": "Airy.",
            "skus": [
                {"code": "ls-m", "attributes": {"size": "M"}, "price": price("19.90")},
                {"code": "ls-l", "attributes": {"size": "L"}, "price": price("21.00")},
            ],
        },
        format="json",
    )
    assert product.status_code == 201, product.content
    slug = product.json()["slug"]
    published = staff.post(f"{CATALOG}/products/{slug}/publish")
    assert published.status_code == 200, published.content
    return {"slug": slug}


def price(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": EUR}


def stock(staff: APIClient, sku: str) -> dict[str, Any]:
    response = staff.get(f"{STOCK}/{sku}")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def available(api: APIClient, slug: str) -> dict[str, int]:
    response = api.get(f"{CATALOG}/products/{slug}")
    assert response.status_code == 200, response.content
    return {sku["code"]: sku["available"] for sku in response.json()["skus"]}


ZEROS = {"on_hand": 0, "reserved": 0, "available": 0}


def test_a_new_catalog_sku_reads_as_zeros_before_and_after_sku_created(
    staff: APIClient, shirt: dict[str, Any]
) -> None:
    assert stock(staff, "LS-M") == {"sku": "LS-M", **ZEROS}
    assert not Stock.objects.exists()

    deliver_pending()

    assert sorted(Stock.objects.values_list("sku", "on_hand", "reserved")) == [
        ("LS-L", 0, 0),
        ("LS-M", 0, 0),
    ]
    assert stock(staff, "LS-M") == {"sku": "LS-M", **ZEROS}


def test_a_new_catalog_sku_restocks_before_sku_created_arrives(
    staff: APIClient, shirt: dict[str, Any]
) -> None:
    response = staff.post(f"{STOCK}/LS-M/restock", {"quantity": 7}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"sku": "LS-M", "on_hand": 7, "reserved": 0, "available": 7}

    deliver_pending()  # SkuCreated now finds the row and leaves it as it is

    assert stock(staff, "LS-M")["on_hand"] == 7
    assert stock(staff, "LS-L") == {"sku": "LS-L", **ZEROS}


def test_catalog_availability_follows_a_restock(
    api: APIClient, staff: APIClient, shirt: dict[str, Any]
) -> None:
    deliver_pending()
    assert available(api, shirt["slug"]) == {"LS-M": 0, "LS-L": 0}

    staff.post(f"{STOCK}/LS-M/restock", {"quantity": 5}, format="json")
    staff.post(f"{STOCK}/LS-M/adjust", {"quantity": -2, "reason": "stocktake"}, format="json")
    deliver_pending()

    assert available(api, shirt["slug"]) == {"LS-M": 3, "LS-L": 0}
    assert api.get(f"{CATALOG}/products/{shirt['slug']}").json()["in_stock"] is True


def test_a_code_in_another_case_is_the_catalog_sku(staff: APIClient, shirt: dict[str, Any]) -> None:
    assert stock(staff, "ls-l") == {"sku": "LS-L", **ZEROS}
    restocked = staff.post(f"{STOCK}/ls-m/restock", {"quantity": 2}, format="json")
    assert restocked.json() == {"sku": "LS-M", "on_hand": 2, "reserved": 0, "available": 2}
    adjusted = staff.post(f"{STOCK}/Ls-M/adjust", {"quantity": 1, "reason": "found"}, format="json")
    assert adjusted.json()["on_hand"] == 3
    assert stock(staff, "ls-m") == {"sku": "LS-M", "on_hand": 3, "reserved": 0, "available": 3}
    assert list(Stock.objects.values_list("sku", flat=True)) == ["LS-M"]


def test_a_code_the_catalog_does_not_know_is_404(staff: APIClient, shirt: dict[str, Any]) -> None:
    for path in (f"{STOCK}/LS-XL", f"{STOCK}/LS%20M"):
        response = staff.get(path)
        assert response.status_code == 404, response.content
    response = staff.post(f"{STOCK}/LS-XL/restock", {"quantity": 1}, format="json")
    assert response.status_code == 404
    assert not Stock.objects.exists()
