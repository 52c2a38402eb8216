"""Orders kept in Django's ORM: the repository of the write side, the queries of the read side."""

import uuid
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from contexts.ordering.application.ports import OrderQueries, OrderRepository
from contexts.ordering.application.views import AddressView, HistoryView, LineView, OrderView
from contexts.ordering.domain.address import ShippingAddress
from contexts.ordering.domain.errors import OrderNotFound
from contexts.ordering.domain.order import (
    HistoryEntry,
    Order,
    OrderId,
    OrderLine,
    OrderStatus,
    RejectionReason,
)
from contexts.ordering.infrastructure import models
from contexts.ordering.infrastructure.metrics import count_order_outcome
from shared_kernel.application.pages import Page, PageRequest
from shared_kernel.application.unit_of_work import track
from shared_kernel.domain.money import Money
from shared_kernel.infrastructure import versioning
from shared_kernel.infrastructure.paging import keyset_page


class DjangoOrderRepository(OrderRepository):
    def get(self, order_id: OrderId) -> Order:
        row = _with_parts(models.Order.objects.filter(pk=order_id)).first()
        if row is None:
            raise OrderNotFound()
        return _loaded(row)

    def add(self, order: Order) -> None:
        address = order.shipping_address
        versioning.insert(
            models.Order,
            order,
            id=order.id,
            customer_id=order.customer_id,
            payment_method=order.payment_method,
            total_amount=order.total.amount,
            currency=order.total.currency,
            ship_to_name=address.name,
            ship_to_line1=address.line1,
            ship_to_line2=address.line2,
            ship_to_city=address.city,
            ship_to_postal_code=address.postal_code,
            ship_to_country=address.country,
            created_at=order.created_at,
            **_changing_columns(order),
        )
        models.OrderLine.objects.bulk_create(
            models.OrderLine(
                order_id=order.id,
                position=position,
                sku=line.sku,
                name=line.name,
                unit_price=line.unit_price.amount,
                quantity=line.quantity,
            )
            for position, line in enumerate(order.lines)
        )
        _append_history(order, stored=0)
        count_order_outcome("placed")

    def save(self, order: Order) -> None:
        versioning.update(models.Order, order, **_changing_columns(order))
        _append_history(
            order, stored=models.OrderHistoryEntry.objects.filter(order=order.id).count()
        )


class DjangoOrderQueries(OrderQueries):
    """Three queries whatever the page size: the orders, their lines, their history."""

    def one(self, order_id: uuid.UUID) -> OrderView | None:
        row = _with_parts(models.Order.objects.filter(pk=order_id)).first()
        return _view(row) if row is not None else None

    def page(
        self, request: PageRequest, *, customer_id: uuid.UUID | None, status: OrderStatus | None
    ) -> Page[OrderView]:
        rows = models.Order.objects.all()
        if customer_id is not None:
            rows = rows.filter(customer_id=customer_id)
        if status is not None:
            rows = rows.filter(status=status.value)
        return keyset_page(_with_parts(rows), request, order=("-created_at", "id"), to_item=_view)


def _with_parts(rows: QuerySet[models.Order]) -> QuerySet[models.Order]:
    return rows.prefetch_related(
        Prefetch("lines", queryset=models.OrderLine.objects.order_by("position")),
        Prefetch("history", queryset=models.OrderHistoryEntry.objects.order_by("position")),
    )


def _changing_columns(order: Order) -> dict[str, Any]:
    return {
        "status": order.status.value,
        "rejection_reason": order.rejection_reason.value if order.rejection_reason else "",
        "tracking_number": order.tracking_number,
        "reservation_id": order.reservation_id,
        "attention": order.attention,
    }


def _append_history(order: Order, *, stored: int) -> None:
    new = order.history[stored:]
    models.OrderHistoryEntry.objects.bulk_create(
        models.OrderHistoryEntry(
            order_id=order.id,
            position=position,
            status=entry.status.value,
            at=entry.at,
            cause=entry.cause,
        )
        for position, entry in enumerate(new, start=stored)
    )
    for entry in new:
        if entry.status is not OrderStatus.PENDING:
            reason = order.rejection_reason if entry.status is OrderStatus.REJECTED else None
            count_order_outcome(entry.status.value, reason.value if reason else "")


def _money(amount: Decimal, currency: str) -> Money:
    return Money(amount, currency)


def _loaded(row: models.Order) -> Order:
    order = Order(
        id=OrderId(row.id),
        customer_id=row.customer_id,
        lines=[
            OrderLine(
                sku=line.sku,
                name=line.name,
                unit_price=_money(line.unit_price, row.currency),
                quantity=line.quantity,
            )
            for line in row.lines.all()
        ],
        # Stored rows are loaded as they are, never re-validated more strictly than on write.
        shipping_address=ShippingAddress.stored(
            name=row.ship_to_name,
            line1=row.ship_to_line1,
            line2=row.ship_to_line2,
            city=row.ship_to_city,
            postal_code=row.ship_to_postal_code,
            country=row.ship_to_country,
        ),
        payment_method=row.payment_method,
        status=OrderStatus(row.status),
        history=[
            HistoryEntry(OrderStatus(entry.status), entry.at, entry.cause)
            for entry in row.history.all()
        ],
        rejection_reason=RejectionReason(row.rejection_reason) if row.rejection_reason else None,
        tracking_number=row.tracking_number,
        reservation_id=row.reservation_id,
        attention=row.attention,
        version=row.version,
    )
    track(order)
    return order


def _view(row: models.Order) -> OrderView:
    lines = tuple(
        LineView(
            sku=line.sku,
            name=line.name,
            unit_price=_money(line.unit_price, row.currency),
            quantity=line.quantity,
            line_total=_money(line.unit_price, row.currency) * line.quantity,
        )
        for line in row.lines.all()
    )
    return OrderView(
        id=row.id,
        customer_id=row.customer_id,
        status=row.status,
        rejection_reason=row.rejection_reason or None,
        lines=lines,
        total=_money(row.total_amount, row.currency),
        shipping_address=AddressView(
            name=row.ship_to_name,
            line1=row.ship_to_line1,
            line2=row.ship_to_line2,
            city=row.ship_to_city,
            postal_code=row.ship_to_postal_code,
            country=row.ship_to_country,
        ),
        tracking_number=row.tracking_number,
        history=tuple(
            HistoryView(status=entry.status, at=entry.at, cause=entry.cause)
            for entry in row.history.all()
        ),
        created_at=row.created_at,
    )
