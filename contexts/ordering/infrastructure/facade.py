"""The query facade other contexts call through `contexts.ordering.contracts`."""

import uuid

from contexts.ordering.contracts import OrderingFacade
from contexts.ordering.infrastructure.models import Order


class DjangoOrderingFacade(OrderingFacade):
    def customer_of(self, order_id: uuid.UUID) -> uuid.UUID | None:
        found: uuid.UUID | None = (
            Order.objects.filter(pk=order_id).values_list("customer_id", flat=True).first()
        )
        return found
