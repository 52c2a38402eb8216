"""Ordering's demo data: a few orders of the demo customer, so the admin and `GET /orders`
have something to show. Placed through the use case, so the saga takes them on once a
worker runs: two with a card that works, one with a card that is declined.

Run by `manage.py demo_data` after identity's and catalog's loaders (loaders run by name).
Idempotent: a customer who has orders already gets no more.
"""

from contexts.catalog.contracts import catalog_facade
from contexts.identity.contracts import identity_facade
from contexts.ordering.application.services import ordering_use_cases
from contexts.ordering.application.use_cases import RequestedLine
from contexts.ordering.models import Order

CUSTOMER_EMAIL = "customer@example.com"
PAYMENT_METHODS = ("pm_card_visa", "pm_card_chargeDeclined", "pm_card_visa")
ADDRESS = {
    "name": "Casey Customer",
    "line1": "12 Market Street",
    "city": "Lyon",
    "postal_code": "69002",
    "country": "FR",
}


def load_demo_orders() -> list[str]:
    customer_id = identity_facade().user_id_by_email(CUSTOMER_EMAIL)
    if customer_id is None:
        return [f"no demo orders: {CUSTOMER_EMAIL} has no account"]
    if Order.objects.filter(customer_id=customer_id).exists():
        return [f"demo orders of {CUSTOMER_EMAIL} already placed"]
    catalog = catalog_facade()
    on_sale = [s.code for s in catalog.skus(catalog.sku_codes()).values() if s.published]
    place = ordering_use_cases().place_order
    for index, method in enumerate(PAYMENT_METHODS[: len(on_sale)]):
        place(
            customer_id=customer_id,
            lines=[RequestedLine(sku=on_sale[index], quantity=1)],
            payment_method=method,
            shipping_address=ADDRESS,
        )
    placed = min(len(PAYMENT_METHODS), len(on_sale))
    return [f"{placed} demo orders placed for {CUSTOMER_EMAIL} (the saga settles them)"]
