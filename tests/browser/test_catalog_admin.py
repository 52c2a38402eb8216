"""Staff at work on the catalog in the back-office, in a real browser: add a category, add a
product with a SKU inline, publish it with the list action; the domain's refusal shown when
a product has nothing priced to sell. Each test checks the page and the database."""

import pytest
from playwright.sync_api import Locator, Page, expect

from contexts.catalog.application.services import catalog_use_cases
from contexts.catalog.models import Category, Product, Sku
from contexts.identity.models import User
from shared_kernel.domain.money import Money
from shared_kernel.messaging.models import OutboxEvent
from tests.browser.helpers import sign_in
from tests.support.factories import DEFAULT_PASSWORD, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CATEGORIES = "/admin/catalog/category/"
PRODUCTS = "/admin/catalog/product/"


@pytest.fixture
def boss() -> User:
    return StaffFactory.create(email="boss@example.com", full_name="Big Boss", is_superuser=True)


def events() -> list[str]:
    return list(OutboxEvent.objects.order_by("occurred_at").values_list("event_type", flat=True))


def save(page: Page) -> None:
    with page.expect_navigation():
        page.click("input[name=_save]")


def row_of(page: Page, name: str) -> Locator:
    """The product change list's row for the product with this name."""
    return page.locator("#result_list tbody tr").filter(
        has=page.locator("th.field-name a", has_text=name)
    )


def publish(page: Page, name: str) -> None:
    """Select the product's row in the change list and run the publish action on it."""
    page.goto(PRODUCTS)
    row_of(page, name).locator("input.action-select").check()
    page.select_option("select[name=action]", "publish_products")
    with page.expect_navigation():
        page.get_by_role("button", name="Go").click()


def test_staff_add_a_category_and_a_product_with_a_sku_then_publish_it(
    page: Page, boss: User
) -> None:
    sign_in(page, boss.email, DEFAULT_PASSWORD)

    page.goto(f"{CATEGORIES}add/")
    page.fill("#id_slug", "tees")
    page.fill("#id_name", "Tees")
    save(page)
    expect(page.locator("ul.messagelist li.success")).to_contain_text("Tees")
    assert Category.objects.get(slug="tees").name == "Tees"

    page.goto(f"{PRODUCTS}add/")
    page.fill("#id_name", "Linen tee")
    page.fill("#id_description", "Airy.")
    page.select_option("#id_category", label="Tees")
    page.fill("#id_skus-0-code", "lt-m")
    page.fill("#id_skus-0-attributes_text", "size: M; colour: sand")
    page.fill("#id_skus-0-price_amount", "19.90")
    save(page)
    expect(page.locator("ul.messagelist li.success")).to_contain_text("Linen tee")
    product = Product.objects.get(slug="linen-tee")
    assert not product.published
    sku = Sku.objects.get()
    assert (sku.product, sku.code, sku.attributes, str(sku.price_amount.normalize())) == (
        product,
        "LT-M",
        [["size", "M"], ["colour", "sand"]],
        "19.9",
    )

    publish(page, "Linen tee")

    expect(page.locator("ul.messagelist li.success")).to_have_text("1 product(s) published.")
    expect(page.locator("ul.messagelist li.error")).to_have_count(0)
    expect(row_of(page, "Linen tee").locator("td.field-published img")).to_have_attribute(
        "alt", "True"
    )
    product.refresh_from_db()
    assert product.published
    assert events() == ["SkuCreated", "ProductPublished"]


def test_publishing_a_product_priced_zero_is_refused_and_it_stays_a_draft(
    page: Page, boss: User
) -> None:
    use_cases = catalog_use_cases()
    use_cases.create_category(slug="tees", name="Tees")
    use_cases.create_product(
        slug="free-tee",
        name="Free tee",
        category="tees",
        skus=[{"code": "free-m", "attributes": {"size": "M"}, "price": Money.of("0", "EUR")}],
    )
    before = events()

    sign_in(page, boss.email, DEFAULT_PASSWORD)
    publish(page, "Free tee")

    expect(page.locator("ul.messagelist li.error")).to_have_text(
        "free-tee: A product is published only with at least one SKU priced above zero.",
        ignore_case=True,  # the admin shows messages with a capital first letter
    )
    expect(page.locator("ul.messagelist li.success")).to_have_text("0 product(s) published.")
    expect(row_of(page, "Free tee").locator("td.field-published img")).to_have_attribute(
        "alt", "False"
    )
    assert not Product.objects.get(slug="free-tee").published
    assert events() == before
    assert "ProductPublished" not in before
