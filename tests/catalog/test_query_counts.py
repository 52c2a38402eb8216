"""The reads run a fixed number of SQL queries whatever the page size (ADR 0025): a page
of 5 products and a page of 50 cost the same, filters included."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contexts.catalog.application.services import catalog_use_cases

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/catalog/products"
EVERY_FILTER = {
    "q": "shirt",
    "category": "clothing",
    "min_price": "1",
    "max_price": "100",
    "in_stock": "true",
}


@pytest.fixture
def sixty(make_product):
    record = catalog_use_cases().record_availability
    for number in range(60):
        make_product(f"shirt-{number:02}", prices=("10", "20", "30"), name=f"Shirt {number:02}")
        record(sku=f"SHIRT-{number:02}-1", available=number + 1, sequence=1)


def queries_for(client, params) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PRODUCTS, params)
    assert response.status_code == 200, response.content
    return len(queries), len(response.json()["results"])


@pytest.mark.parametrize("filters", [{}, EVERY_FILTER], ids=["unfiltered", "every filter"])
def test_a_page_costs_the_same_queries_at_5_and_50_items(api, sixty, filters):
    small, small_items = queries_for(api, {**filters, "page_size": 5})
    large, large_items = queries_for(api, {**filters, "page_size": 50})

    assert (small_items, large_items) == (5, 50)
    assert small == large
    assert large <= (2 if "category" in filters else 1)


def test_a_next_page_costs_the_same(api, sixty):
    first = api.get(PRODUCTS, {"page_size": 50})
    with CaptureQueriesContext(connection) as queries:
        api.get(first.json()["next"])
    assert len(queries) == 1


def test_a_product_page_read_from_the_database_costs_two_queries(staff_api, sixty):
    with CaptureQueriesContext(connection) as queries:
        response = staff_api.get(f"{PRODUCTS}/shirt-07", {"include_drafts": "true"})
    assert response.status_code == 200
    assert len(response.json()["skus"]) == 3
    assert len(queries) == 2


def test_the_category_tree_is_one_query(api, tree):
    with CaptureQueriesContext(connection) as queries:
        api.get("/api/v1/catalog/categories")
    assert len(queries) == 1
