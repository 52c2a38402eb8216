"""Catalog's demo loader: a category tree and a few hundred published products, loaded
idempotently through the domain (its events in the outbox like any other product's)."""

import pytest

from contexts.catalog.demo import load_demo_catalog
from contexts.catalog.models import Category, Product, Sku
from shared_kernel.demo import demo_loaders
from shared_kernel.messaging.models import OutboxEvent

pytestmark = pytest.mark.django_db


def test_is_registered_for_manage_py_demo_data():
    assert demo_loaders()["catalog"] is load_demo_catalog


def test_loads_a_published_catalog_in_a_category_tree(api):
    lines = load_demo_catalog()

    products = Product.objects.count()
    assert 200 <= products <= 500
    assert Product.objects.filter(published=True).count() == products
    assert Category.objects.filter(parent__isnull=False).count() >= 6
    skus = Sku.objects.count()
    assert skus > products
    assert OutboxEvent.objects.filter(event_type="SkuCreated").count() == skus
    assert OutboxEvent.objects.filter(event_type="ProductPublished").count() == products
    assert lines == [f"{products} products added; {products} published in 12 categories"]
    page = api.get("/api/v1/catalog/products", {"category": "clothing", "page_size": 100})
    assert len(page.json()["results"]) == 100


def test_loading_twice_changes_nothing():
    def counts() -> tuple[int, int, int]:
        return Category.objects.count(), Product.objects.count(), OutboxEvent.objects.count()

    load_demo_catalog()
    first = counts()

    assert load_demo_catalog()[0].startswith("0 products added")
    assert counts() == first
