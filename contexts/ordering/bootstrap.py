"""Ordering's composition root: the one place that picks adapters for the ports.

`OrderingConfig.ready()` calls `wire()` once Django's apps are loaded: the API, admin and
subscribers then fetch the use cases from `application.services`, other contexts the
facade from `contracts.ordering_facade()`.
"""

from contexts.catalog.contracts import catalog_facade
from contexts.ordering.api.views import order_idempotency_keys
from contexts.ordering.application.services import (
    OrderingPorts,
    compose_use_cases,
    ordering_use_cases,
)
from contexts.ordering.contracts import ordering_facade
from contexts.ordering.infrastructure.facade import DjangoOrderingFacade
from contexts.ordering.infrastructure.models import IdempotencyKey
from contexts.ordering.infrastructure.repositories import DjangoOrderQueries, DjangoOrderRepository
from shared_kernel.api.idempotency import IdempotencyKeys
from shared_kernel.application.clock import utc_now
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork


def django_ports() -> OrderingPorts:
    return OrderingPorts(
        uow=DjangoUnitOfWork,
        orders=DjangoOrderRepository(),
        queries=DjangoOrderQueries(),
        # The provider itself, called when an order is priced: a test's override is seen.
        catalog=catalog_facade,
        clock=utc_now,
    )


def wire() -> None:
    ordering_use_cases.provide(compose_use_cases(django_ports()))
    ordering_facade.provide(DjangoOrderingFacade())
    order_idempotency_keys.provide(IdempotencyKeys(IdempotencyKey))
