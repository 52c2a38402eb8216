"""The catalog back-office: categories and products through the same use cases as the API,
SKUs inline, publish and unpublish as actions; the domain's refusals shown to staff."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from contexts.catalog.models import Category, Product, Sku
from shared_kernel.messaging.models import OutboxEvent
from tests.support.factories import StaffFactory

pytestmark = pytest.mark.django_db

CATEGORIES = "/admin/catalog/category/"
PRODUCTS = "/admin/catalog/product/"


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.force_login(StaffFactory.create(email="boss@example.com", is_superuser=True))
    return client


def sku_rows(*rows: dict[str, str], initial: int = 0) -> dict[str, str]:
    form = {
        "skus-TOTAL_FORMS": str(len(rows)),
        "skus-INITIAL_FORMS": str(initial),
        "skus-MIN_NUM_FORMS": "0",
        "skus-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        form.update({f"skus-{index}-{name}": value for name, value in row.items()})
    return form


def events() -> list[str]:
    return list(OutboxEvent.objects.order_by("occurred_at").values_list("event_type", flat=True))


def error_shown(response: Any) -> bool:
    page = response.content.decode()
    return 'class="errornote"' in page or 'class="errorlist' in page


def test_staff_add_a_category_under_a_parent(staff_client, tree):
    shirts = Category.objects.get(slug="shirts")
    response = staff_client.post(
        f"{CATEGORIES}add/", {"slug": "Tees", "name": "Tees", "parent": str(shirts.pk)}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Category.objects.get(slug="tees").parent == shirts


def test_a_taken_category_slug_comes_back_on_the_form(staff_client, tree):
    response = staff_client.post(f"{CATEGORIES}add/", {"slug": "shirts", "name": "Again"})

    assert response.status_code == 200
    assert error_shown(response)
    assert "already exists" in response.content.decode()
    assert Category.objects.filter(slug="shirts").count() == 1


def test_a_category_cannot_move_under_its_own_child(staff_client, tree):
    clothing, linen = Category.objects.get(slug="clothing"), Category.objects.get(slug="linen")
    response = staff_client.post(
        f"{CATEGORIES}{clothing.pk}/change/", {"name": "Clothing", "parent": str(linen.pk)}
    )

    assert response.status_code == 200
    assert error_shown(response)
    clothing.refresh_from_db()
    assert clothing.parent is None


def test_staff_add_a_product_with_skus_inline(staff_client, tree):
    shirts = Category.objects.get(slug="shirts")
    response = staff_client.post(
        f"{PRODUCTS}add/",
        {
            "name": "Linen shirt",
            "slug": "",
            "description": "Airy.",
            "category": str(shirts.pk),
            **sku_rows(
                {"code": "ls-m", "attributes_text": "size: M; colour: sand", "price_amount": "19.9"}
            ),
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    product = Product.objects.get(slug="linen-shirt")
    sku = Sku.objects.get()
    assert (sku.product, sku.code, sku.attributes, sku.price_amount, sku.price_currency) == (
        product,
        "LS-M",
        [["size", "M"], ["colour", "sand"]],
        Decimal("19.900"),
        "EUR",
    )
    assert events() == ["SkuCreated"]
    assert not product.published


def test_staff_change_a_sku_price_inline(staff_client, make_product):
    product = make_product("linen-shirt", prices=("10",))
    sku = Sku.objects.get()
    response = staff_client.post(
        f"{PRODUCTS}{product.id}/change/",
        {
            "name": "Linen shirt",
            "description": "",
            "category": str(Category.objects.get(slug="shirts").pk),
            **sku_rows(
                {
                    "id": str(sku.pk),
                    "product": str(product.id),
                    "code": sku.code,
                    "attributes_text": "size: 0",
                    "price_amount": "12.50",
                },
                initial=1,
            ),
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    sku.refresh_from_db()
    assert sku.price_amount == Decimal("12.5")
    assert events()[-1] == "PriceChanged"
    assert Product.objects.get().name == "Linen shirt"


def test_a_price_leaving_nothing_to_sell_is_refused_on_the_form(staff_client, make_product):
    product = make_product("linen-shirt", prices=("10",))
    sku = Sku.objects.get()
    response = staff_client.post(
        f"{PRODUCTS}{product.id}/change/",
        {
            "name": "Renamed meanwhile",
            "description": "",
            "category": str(Category.objects.get(slug="shirts").pk),
            **sku_rows(
                {
                    "id": str(sku.pk),
                    "product": str(product.id),
                    "code": sku.code,
                    "attributes_text": "size: 0",
                    "price_amount": "0",
                },
                initial=1,
            ),
        },
    )

    assert response.status_code == 200
    assert "priced above zero" in response.content.decode()
    assert Product.objects.get().name == product.name.value  # all or nothing
    assert Sku.objects.get().price_amount == 10


def test_publishing_from_the_admin_keeps_the_rule(staff_client, make_product):
    priced = make_product("priced", prices=("10",), publish=False)
    free = make_product("free", prices=("0",), publish=False)

    response = staff_client.post(
        PRODUCTS,
        {"action": "publish_products", "_selected_action": [str(priced.id), str(free.id)]},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == [
        "free: A product is published only with at least one SKU priced above zero.",
        "1 product(s) published.",
    ]
    assert set(Product.objects.filter(published=True).values_list("slug", flat=True)) == {"priced"}
    assert events().count("ProductPublished") == 1


def test_unpublishing_from_the_admin(staff_client, make_product):
    product = make_product("shirt")

    staff_client.post(PRODUCTS, {"action": "unpublish_products", "_selected_action": [product.id]})

    assert not Product.objects.get().published
    assert events()[-1] == "ProductUnpublished"


def test_products_are_listed_searched_and_never_deleted(staff_client, make_product):
    make_product("linen-shirt", name="Linen shirt")
    make_product("apron", category="home", name="Apron")

    found = staff_client.get(PRODUCTS, {"q": "LINEN-SHIRT-0"})
    assert [p.slug for p in found.context["cl"].result_list] == ["linen-shirt"]
    product = Product.objects.get(slug="apron")
    assert staff_client.get(f"{PRODUCTS}{product.id}/delete/").status_code == 403
