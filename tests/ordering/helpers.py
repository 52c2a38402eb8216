"""What the ordering API tests share: a valid order body, problems, moving an order on."""

import uuid
from typing import Any

from contexts.ordering.application.services import ordering_use_cases

ORDERS = "/api/v1/orders"
PROBLEM_KEYS = {"type", "title", "status", "detail"}


def order_body(**overrides: Any) -> dict[str, Any]:
    return {
        "lines": [{"sku": "SHIRT-M", "quantity": 2}, {"sku": "MUG", "quantity": 1}],
        "payment_method": "pm_card_visa",
        "shipping_address": {
            "name": "Ann Lee",
            "line1": "1 Rue de Rivoli",
            "city": "Paris",
            "postal_code": "75001",
            "country": "FR",
        },
        **overrides,
    }


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body.keys() >= PROBLEM_KEYS
    assert body["status"] == status
    return body


def field_errors(response: Any) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = problem(response, 400)["errors"]
    return errors


def confirm(order_id: str) -> None:
    """The saga's happy path as its events would drive it: reserved, then paid."""
    steps = ordering_use_cases()
    steps.on_stock_reserved(order_id=uuid.UUID(order_id), reservation_id=uuid.uuid4())
    steps.on_payment_captured(order_id=uuid.UUID(order_id))
