"""Staff's writes over HTTP: each one use case, its events in the outbox with it (none when
it fails), answered with the product as staff see it. Anyone else is refused before
anything is looked up: anonymous 401, a customer 403, whatever the slug or code."""

import pytest

from contexts.catalog.models import Product, Sku
from shared_kernel.messaging.models import OutboxEvent
from tests.catalog.conftest import price
from tests.identity.helpers import field_errors, problem

pytestmark = pytest.mark.django_db

CATALOG = "/api/v1/catalog"
WRITES = [
    ("post", f"{CATALOG}/categories", {"slug": "hats", "name": "Hats"}),
    ("post", f"{CATALOG}/products", {"name": "Hat", "category": "home"}),
    ("patch", f"{CATALOG}/products/linen-shirt", {"name": "Renamed"}),
    ("patch", f"{CATALOG}/products/no-such-product", {"name": "Renamed"}),
    ("post", f"{CATALOG}/products/linen-shirt/skus", {"code": "X", "price": price("1")}),
    ("post", f"{CATALOG}/products/no-such-product/skus", {"code": "X", "price": price("1")}),
    ("patch", f"{CATALOG}/skus/LINEN-SHIRT-0", {"price": price("1")}),
    ("patch", f"{CATALOG}/skus/NO-SUCH-SKU", {"price": price("1")}),
    ("post", f"{CATALOG}/products/linen-shirt/publish", None),
    ("post", f"{CATALOG}/products/no-such-product/unpublish", None),
    ("post", f"{CATALOG}/products/no,such:product/publish", None),
    ("patch", f"{CATALOG}/products/No Such Product", {"name": "Renamed"}),
]


def events() -> list[tuple[str, int]]:
    return list(OutboxEvent.objects.order_by("sequence").values_list("event_type", "sequence"))


@pytest.fixture
def draft(make_product):
    return make_product("linen-shirt", prices=("19.90",), publish=False, name="Linen shirt")


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_anonymous_writes_are_401_and_change_nothing(api, draft, method, path, body):
    response = getattr(api, method)(path, body, format="json")
    problem(response, 401)
    assert response.has_header("WWW-Authenticate")
    assert Product.objects.get().version == draft.version


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_customers_writes_are_403_and_change_nothing(customer_api, draft, method, path, body):
    problem(getattr(customer_api, method)(path, body, format="json"), 403)
    assert Product.objects.get().version == draft.version


def test_staff_add_a_category_under_a_parent(staff_api, tree):
    response = staff_api.post(
        f"{CATALOG}/categories", {"slug": "Tees", "name": " T-shirts ", "parent": "shirts"}
    )

    assert response.status_code == 201, response.content
    assert response.json() == {"slug": "tees", "name": "T-shirts", "parent": "shirts"}
    shirts = staff_api.get(f"{CATALOG}/categories").json()[0]["children"][0]
    assert [child["slug"] for child in shirts["children"]] == ["linen", "tees"]


def test_a_taken_category_slug_is_409_and_an_unknown_parent_400(staff_api, tree):
    problem(staff_api.post(f"{CATALOG}/categories", {"slug": "shirts", "name": "Again"}), 409)
    errors = field_errors(
        staff_api.post(f"{CATALOG}/categories", {"slug": "x", "name": "X", "parent": "nope"})
    )
    assert list(errors) == ["parent"]


def test_staff_create_a_draft_with_its_skus_each_announced(staff_api, tree):
    response = staff_api.post(
        f"{CATALOG}/products",
        {
            "name": "Linen Shirt",
            "category": "shirts",
            "description": "Airy.",
            "skus": [
                {"code": "ls-m", "attributes": {"size": "M"}, "price": price("19.9")},
                {"code": "ls-l", "price": {"amount": "21", "currency": "eur"}},
            ],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json() == {
        "slug": "linen-shirt",
        "name": "Linen Shirt",
        "description": "Airy.",
        "category": "shirts",
        "published": False,
        "in_stock": False,
        "skus": [
            {"code": "LS-M", "attributes": {"size": "M"}, "price": price("19.90"), "available": 0},
            {"code": "LS-L", "attributes": {}, "price": price("21.00"), "available": 0},
        ],
    }
    product = Product.objects.get()
    assert events() == [("SkuCreated", 1), ("SkuCreated", 2)]
    rows = OutboxEvent.objects.order_by("sequence")
    assert {row.aggregate_id for row in rows} == {str(product.id)}
    assert [row.payload for row in rows] == [
        {"sku": "LS-M", "product_id": str(product.id)},
        {"sku": "LS-L", "product_id": str(product.id)},
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "shirts"}, "name"),
        ({"name": "Hat", "category": "nope"}, "category"),
        ({"name": "Hat", "category": "shirts", "slug": "Not a slug"}, "slug"),
        ({"name": "!!!", "category": "shirts"}, "slug"),
        ({"name": 7, "category": "shirts"}, "name"),
        (
            {"name": "Hat", "category": "shirts", "skus": [{"code": "A B", "price": price("1")}]},
            "skus.0.code",
        ),
        (
            {"name": "Hat", "category": "shirts", "skus": [{"code": 7, "price": price("1")}]},
            "skus.0.code",
        ),
        (
            {"name": "Hat", "category": "shirts", "skus": [{"code": " A", "price": price("1")}]},
            "skus.0.code",
        ),
        (
            {"name": "Hat", "category": "shirts", "skus": [{"code": "A", "price": price("-1")}]},
            "skus.0.price",
        ),
        (
            {
                "name": "Hat",
                "category": "shirts",
                "skus": [{"code": "A", "price": {"amount": "1", "currency": "USD"}}],
            },
            "skus.0.price",
        ),
        (
            {"name": "Hat", "category": "shirts", "skus": [{"code": "A", "price": "1.00"}]},
            "skus.0.price",
        ),
        (
            {"name": "Hat", "category": "shirts", "skus": [{"code": "A", "price": price("1e5")}]},
            "skus.0.price",
        ),
        (
            {
                "name": "Hat",
                "category": "shirts",
                "skus": [{"code": "A", "price": {"amount": 21, "currency": "EUR"}}],
            },
            "skus.0.price",
        ),
        (
            {
                "name": "Hat",
                "category": "shirts",
                "skus": [{"code": "A", "attributes": {"s\x00": "M"}, "price": price("1")}],
            },
            "skus.0.attributes",
        ),
    ],
)
def test_bad_product_input_is_400_naming_the_field_and_stores_nothing(staff_api, tree, body, field):
    errors = field_errors(staff_api.post(f"{CATALOG}/products", body, format="json"))

    assert field in errors, errors
    assert (Product.objects.count(), OutboxEvent.objects.count()) == (0, 0)


def test_a_taken_product_slug_or_sku_code_is_409_with_no_event(staff_api, draft):
    before = events()
    taken_slug = {"name": "Linen shirt", "category": "shirts"}
    taken_code = {
        "name": "Other",
        "category": "shirts",
        "skus": [{"code": "linen-shirt-0", "price": price("2")}],
    }

    problem(staff_api.post(f"{CATALOG}/products", taken_slug, format="json"), 409)
    problem(staff_api.post(f"{CATALOG}/products", taken_code, format="json"), 409)
    problem(
        staff_api.post(
            f"{CATALOG}/products/linen-shirt/skus",
            {"code": "LINEN-SHIRT-0", "price": price("2")},
            format="json",
        ),
        409,
    )
    assert events() == before
    assert Product.objects.count() == 1


def test_staff_edit_a_product(staff_api, draft):
    response = staff_api.patch(
        f"{CATALOG}/products/linen-shirt",
        {"description": "Now longer.", "category": "linen"},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["description"], body["category"]) == (
        "Linen shirt",
        "Now longer.",
        "linen",
    )
    assert Product.objects.get().version == draft.version + 1


def test_an_unknown_category_in_an_edit_is_400(staff_api, draft):
    errors = field_errors(
        staff_api.patch(f"{CATALOG}/products/linen-shirt", {"category": "x"}, format="json")
    )
    assert list(errors) == ["category"]


def test_staff_add_a_sku_announced_at_the_next_version(staff_api, draft):
    response = staff_api.post(
        f"{CATALOG}/products/linen-shirt/skus",
        {"code": "ls-xl", "attributes": {"size": "XL", "colour": "sand"}, "price": price("24")},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["skus"][-1] == {
        "code": "LS-XL",
        "attributes": {"size": "XL", "colour": "sand"},
        "price": price("24.00"),
        "available": 0,
    }
    assert events()[-1] == ("SkuCreated", draft.version + 1)


def test_staff_change_a_sku_price_announced_with_old_and_new(staff_api, draft):
    response = staff_api.patch(
        f"{CATALOG}/skus/linen-shirt-0",
        {"price": price("24.5"), "attributes": {"size": "M"}},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["skus"][0]["price"] == price("24.50")
    row = OutboxEvent.objects.get(event_type="PriceChanged")
    assert row.payload == {
        "sku": "LINEN-SHIRT-0",
        "old_price": {"amount": "19.90", "currency": "EUR"},
        "new_price": {"amount": "24.50", "currency": "EUR"},
    }
    assert row.sequence == Product.objects.get().version
    assert Sku.objects.get().attributes == [["size", "M"]]


def test_publish_and_unpublish_answer_the_product_and_announce_it(staff_api, draft, api):
    published = staff_api.post(f"{CATALOG}/products/linen-shirt/publish")
    assert (published.status_code, published.json()["published"]) == (200, True)
    assert api.get(f"{CATALOG}/products/linen-shirt").status_code == 200

    unpublished = staff_api.post(f"{CATALOG}/products/linen-shirt/unpublish")
    assert (unpublished.status_code, unpublished.json()["published"]) == (200, False)
    problem(api.get(f"{CATALOG}/products/linen-shirt"), 404)

    rows = OutboxEvent.objects.filter(event_type__in=("ProductPublished", "ProductUnpublished"))
    payloads = [(row.event_type, row.payload) for row in rows.order_by("sequence")]
    payload = {"product_id": str(draft.id), "slug": "linen-shirt", "skus": ["LINEN-SHIRT-0"]}
    assert payloads == [("ProductPublished", payload), ("ProductUnpublished", payload)]


def test_publishing_without_a_priced_sku_is_409_with_no_event(staff_api, make_product):
    make_product("free", prices=("0",), publish=False)
    make_product("empty", prices=(), publish=False)
    before = events()

    for slug in ("free", "empty"):
        body = problem(staff_api.post(f"{CATALOG}/products/{slug}/publish"), 409)
        assert "priced above zero" in body["detail"]
    assert events() == before
    assert not Product.objects.filter(published=True).exists()


def test_a_price_leaving_a_published_product_nothing_to_sell_is_409(staff_api, make_product):
    make_product("shirt", prices=("10",))
    problem(staff_api.patch(f"{CATALOG}/skus/SHIRT-0", {"price": price("0")}, format="json"), 409)
    assert Sku.objects.get().price_amount == 10


def test_unknown_product_or_sku_is_404_for_staff(staff_api, tree):
    problem(staff_api.post(f"{CATALOG}/products/nope/publish"), 404)
    problem(staff_api.post(f"{CATALOG}/products/no_such--slug/unpublish"), 404)
    problem(staff_api.patch(f"{CATALOG}/skus/NOPE", {"price": price("1")}, format="json"), 404)
    problem(staff_api.patch(f"{CATALOG}/skus/no%20code", {"price": price("1")}, format="json"), 404)
