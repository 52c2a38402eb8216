"""Staff ship orders in the back-office, in a real browser: an order placed through ordering's
use case is shipped by typing its tracking number on its page; a pending one is refused.
Each test checks the page and the database."""

import uuid

import pytest
from playwright.sync_api import Page, expect

from contexts.catalog.application.services import catalog_use_cases
from contexts.identity.models import User
from contexts.ordering.application.services import ordering_use_cases
from contexts.ordering.application.use_cases import RequestedLine
from contexts.ordering.models import Order
from shared_kernel.domain.money import Money
from shared_kernel.messaging.models import OutboxEvent
from tests.browser.helpers import sign_in
from tests.ordering.helpers import confirm
from tests.support.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ORDERS = "/admin/ordering/order/"
ADDRESS = {
    "name": "Ann Lee",
    "line1": "1 Rue de Rivoli",
    "line2": "",
    "city": "Paris",
    "postal_code": "75001",
    "country": "FR",
}


@pytest.fixture
def boss() -> User:
    return StaffFactory.create(email="boss@example.com", full_name="Big Boss", is_superuser=True)


@pytest.fixture
def ann() -> User:
    return UserFactory.create(email="ann@example.com", full_name="Ann Lee")


@pytest.fixture
def shirt() -> str:
    """A published product with one SKU priced above zero, in the real catalog."""
    use_cases = catalog_use_cases()
    use_cases.create_category(slug="shirts", name="Shirts")
    use_cases.create_product(
        slug="linen-shirt",
        name="Linen shirt",
        category="shirts",
        skus=[{"code": "shirt-m", "attributes": {"size": "M"}, "price": Money.of("19.90", "EUR")}],
    )
    use_cases.publish_product(slug="linen-shirt")
    return "SHIRT-M"


def place(customer: User, sku: str) -> str:
    order = ordering_use_cases().place_order(
        customer_id=uuid.UUID(str(customer.pk)),
        lines=[RequestedLine(sku, 2)],
        payment_method="pm_card_visa",
        shipping_address=ADDRESS,
    )
    return str(order.id)


def ship_on_its_page(page: Page, order_id: str, tracking_number: str) -> None:
    page.goto(f"{ORDERS}{order_id}/change/")
    page.fill("#id_tracking_number", tracking_number)
    with page.expect_navigation():
        page.click("input[name=_save]")


def test_typing_a_tracking_number_ships_a_confirmed_order(
    page: Page, boss: User, ann: User, shirt: str
) -> None:
    order_id = place(ann, shirt)
    confirm(order_id)

    sign_in(page, boss.email, DEFAULT_PASSWORD)
    page.goto(f"{ORDERS}{order_id}/change/")
    expect(page.locator(".field-status .readonly")).to_have_text("confirmed")
    expect(page.locator(".field-customer .readonly")).to_contain_text("ann@example.com")
    ship_on_its_page(page, order_id, "1Z999AA1")

    expect(page.locator("ul.messagelist li.success")).to_be_visible()
    expect(page.locator("ul.messagelist li.error")).to_have_count(0)
    row = Order.objects.get(pk=order_id)
    assert (row.status, row.tracking_number) == ("shipped", "1Z999AA1")
    shipped = OutboxEvent.objects.get(aggregate_id=order_id, event_type="OrderShipped")
    assert shipped.payload["tracking_number"] == "1Z999AA1"


def test_a_pending_order_is_not_shipped(page: Page, boss: User, ann: User, shirt: str) -> None:
    order_id = place(ann, shirt)

    sign_in(page, boss.email, DEFAULT_PASSWORD)
    ship_on_its_page(page, order_id, "1Z999AA1")

    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator("ul.errorlist.nonfield")).to_contain_text("only when it is confirmed")
    row = Order.objects.get(pk=order_id)
    assert (row.status, row.tracking_number) == ("pending", "")
    assert not OutboxEvent.objects.filter(aggregate_id=order_id, event_type="OrderShipped").exists()
