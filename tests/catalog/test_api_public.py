"""The public reads: the category tree, the product list with its filters and cursor
pages, and a product's page. Drafts are never visible to anyone but staff asking."""

import pytest

from contexts.catalog.application.services import catalog_use_cases
from tests.identity.helpers import field_errors, problem

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/catalog/products"


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_the_category_tree_nests_children_by_name(api, tree):
    response = api.get("/api/v1/catalog/categories")

    assert response.status_code == 200
    assert response.json() == [
        {
            "slug": "clothing",
            "name": "Clothing",
            "children": [
                {
                    "slug": "shirts",
                    "name": "Shirts",
                    "children": [{"slug": "linen", "name": "Linen", "children": []}],
                }
            ],
        },
        {"slug": "home", "name": "Home", "children": []},
    ]


def test_the_list_shows_published_products_by_name_with_their_lowest_price(api, make_product):
    make_product("oxford-shirt", prices=("30.00", "25.50"), name="Oxford shirt")
    make_product("draft-shirt", publish=False)
    make_product("apron", category="home", prices=("12",), name="Apron")

    response = api.get(PRODUCTS)

    assert response.status_code == 200
    assert response.json() == {
        "next": None,
        "previous": None,
        "results": [
            {
                "slug": "apron",
                "name": "Apron",
                "category": "home",
                "price_from": {"amount": "12.00", "currency": "EUR"},
                "in_stock": False,
            },
            {
                "slug": "oxford-shirt",
                "name": "Oxford shirt",
                "category": "shirts",
                "price_from": {"amount": "25.50", "currency": "EUR"},
                "in_stock": False,
            },
        ],
    }


def test_pages_follow_each_other_by_cursor(api, make_product):
    for letter in "abcde":
        make_product(f"{letter}-shirt")

    first = api.get(PRODUCTS, {"page_size": 2})
    second = api.get(first.json()["next"])
    third = api.get(second.json()["next"])
    back = api.get(third.json()["previous"])

    assert (slugs(first), slugs(second), slugs(third)) == (
        ["a-shirt", "b-shirt"],
        ["c-shirt", "d-shirt"],
        ["e-shirt"],
    )
    assert third.json()["next"] is None
    assert slugs(back) == ["c-shirt", "d-shirt"]


def test_a_mangled_cursor_is_a_400_on_cursor(api, tree):
    assert "cursor" in field_errors(api.get(PRODUCTS, {"cursor": "bm9wZQ"}))


def test_category_includes_its_descendants(api, make_product):
    make_product("top-level", category="clothing")
    make_product("linen-shirt", category="linen")
    make_product("apron", category="home")

    assert slugs(api.get(PRODUCTS, {"category": "clothing"})) == ["linen-shirt", "top-level"]
    assert slugs(api.get(PRODUCTS, {"category": "shirts"})) == ["linen-shirt"]


def test_prices_are_inclusive_and_match_any_one_sku(api, make_product):
    make_product("cheap", prices=("10.00",))
    make_product("spread", prices=("5.00", "50.00"))
    make_product("dear", prices=("40.00",))

    assert slugs(api.get(PRODUCTS, {"min_price": "10", "max_price": "40"})) == ["cheap", "dear"]
    assert slugs(api.get(PRODUCTS, {"min_price": "45"})) == ["spread"]
    assert slugs(api.get(PRODUCTS, {"max_price": "5.00"})) == ["spread"]


def test_q_finds_words_in_name_and_description(api, make_product):
    make_product("linen-shirt", name="Linen shirt", description="Cool in summer.")
    make_product("wool-jumper", name="Wool jumper", description="For winter.")

    assert slugs(api.get(PRODUCTS, {"q": "linen"})) == ["linen-shirt"]
    assert slugs(api.get(PRODUCTS, {"q": "winter"})) == ["wool-jumper"]
    assert slugs(api.get(PRODUCTS, {"q": "socks"})) == []


def test_in_stock_follows_the_availability_held(api, make_product):
    make_product("stocked", prices=("1", "2"))
    make_product("sold-out")
    record = catalog_use_cases().record_availability
    record(sku="STOCKED-1", available=3, sequence=1)
    record(sku="SOLD-OUT-0", available=0, sequence=4)

    assert slugs(api.get(PRODUCTS, {"in_stock": "true"})) == ["stocked"]
    assert slugs(api.get(PRODUCTS, {"in_stock": "false"})) == ["sold-out"]
    assert [item["in_stock"] for item in api.get(PRODUCTS).json()["results"]] == [False, True]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_price": "cheap"}, "min_price"),
        ({"max_price": "NaN"}, "max_price"),
        ({"in_stock": "yes"}, "in_stock"),
        ({"category": "socks"}, "category"),
        ({"page_size": "many"}, "page_size"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(api, tree, params, field):
    assert field in field_errors(api.get(PRODUCTS, params))


def test_drafts_are_listed_only_for_staff_asking(api, customer_api, staff_api, make_product):
    make_product("draft", publish=False)
    make_product("live")

    assert slugs(api.get(PRODUCTS, {"include_drafts": "true"})) == ["live"]
    assert slugs(customer_api.get(PRODUCTS, {"include_drafts": "true"})) == ["live"]
    assert slugs(staff_api.get(PRODUCTS)) == ["live"]
    assert slugs(staff_api.get(PRODUCTS, {"include_drafts": "true"})) == ["draft", "live"]


def test_a_product_page_has_its_skus_prices_and_availability(api, make_product):
    make_product("linen-shirt", prices=("19.90", "0"), name="Linen shirt", description="Airy.")
    catalog_use_cases().record_availability(sku="LINEN-SHIRT-1", available=4, sequence=2)

    response = api.get(f"{PRODUCTS}/linen-shirt")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["ETag"].startswith('"')
    assert response.json() == {
        "slug": "linen-shirt",
        "name": "Linen shirt",
        "description": "Airy.",
        "category": "shirts",
        "published": True,
        "in_stock": True,
        "skus": [
            {
                "code": "LINEN-SHIRT-0",
                "attributes": {"size": "0"},
                "price": {"amount": "19.90", "currency": "EUR"},
                "available": 0,
            },
            {
                "code": "LINEN-SHIRT-1",
                "attributes": {"size": "1"},
                "price": {"amount": "0.00", "currency": "EUR"},
                "available": 4,
            },
        ],
    }


def test_a_draft_page_is_404_but_for_staff_asking(api, customer_api, staff_api, make_product):
    make_product("draft", publish=False)

    problem(api.get(f"{PRODUCTS}/draft"), 404)
    problem(customer_api.get(f"{PRODUCTS}/draft", {"include_drafts": "true"}), 404)
    problem(staff_api.get(f"{PRODUCTS}/draft"), 404)
    shown = staff_api.get(f"{PRODUCTS}/draft", {"include_drafts": "true"})
    assert (shown.status_code, shown.json()["published"]) == (200, False)


def test_an_unknown_product_is_a_404_problem(api, tree):
    problem(api.get(f"{PRODUCTS}/nothing-here"), 404)


def test_empty_filters_are_no_filters(api, make_product):
    make_product("shirt")
    params = {"q": "", "category": "", "min_price": "", "max_price": ""}
    assert slugs(api.get(PRODUCTS, params)) == ["shirt"]


@pytest.mark.parametrize("flag", ["in_stock", "include_drafts"])
def test_an_empty_flag_is_a_400_as_the_schema_says(api, flag):
    response = api.get(PRODUCTS, {flag: ""})

    assert response.status_code == 400
    assert flag in response.json()["errors"]


@pytest.mark.parametrize("slug", ["Linen-Shirt", "no,such", "a b", "x" * 101])
def test_a_path_no_product_could_have_is_a_404(api, make_product, slug):
    make_product("linen-shirt")
    problem(api.get(f"{PRODUCTS}/{slug}"), 404)
