"""Inventory's composition root: the one place that picks adapters for the ports.

`InventoryConfig.ready()` calls `wire()` once Django's apps are loaded: the API, admin,
subscribers and tasks then fetch the use cases from `application.services`.
"""

from datetime import timedelta

from django.conf import settings

from contexts.catalog.contracts import catalog_facade
from contexts.inventory.application.services import (
    InventoryPorts,
    compose_use_cases,
    inventory_use_cases,
)
from contexts.inventory.infrastructure.repositories import (
    DjangoMovementLog,
    DjangoReservationRepository,
    DjangoStockRepository,
)
from shared_kernel.application.clock import utc_now
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork


def sku_is_known(code: str) -> bool:
    """Whether catalog has the SKU (a draft product's included): asked at call time, so
    the facade catalog provides, or a test's fake, answers."""
    return catalog_facade().sku(code) is not None


def reservation_ttl() -> timedelta:
    """Read when a reservation is placed, so a changed setting (or a test's) applies."""
    return timedelta(seconds=settings.RESERVATION_TTL_SECONDS)


def django_ports() -> InventoryPorts:
    return InventoryPorts(
        uow=DjangoUnitOfWork,
        stocks=DjangoStockRepository(),
        movements=DjangoMovementLog(),
        reservations=DjangoReservationRepository(),
        sku_is_known=sku_is_known,
        clock=utc_now,
        reservation_ttl=reservation_ttl,
    )


def wire() -> None:
    inventory_use_cases.provide(compose_use_cases(django_ports()))
