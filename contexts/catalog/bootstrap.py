"""Catalog's composition root: the one place that picks adapters for the ports.

`CatalogConfig.ready()` calls `wire()` once Django's apps are loaded: the API, admin and
subscribers then fetch the use cases and queries from `application.services`, other
contexts the facade from `contracts.catalog_facade()`.
"""

from django.conf import settings

from contexts.catalog.application.services import (
    CatalogPorts,
    CatalogQueries,
    catalog_queries,
    catalog_use_cases,
    compose_use_cases,
)
from contexts.catalog.contracts import catalog_facade
from contexts.catalog.infrastructure.availability import DjangoAvailabilityLedger
from contexts.catalog.infrastructure.facade import DjangoCatalogFacade
from contexts.catalog.infrastructure.pages import DjangoProductPageCache
from contexts.catalog.infrastructure.queries import (
    DjangoCategoryTree,
    DjangoProductDetails,
    DjangoProductList,
)
from contexts.catalog.infrastructure.repositories import (
    DjangoCategoryRepository,
    DjangoProductRepository,
)
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork


def shop_currency() -> str:
    """Read at each use, so a changed setting (or a test's override) applies."""
    return str(settings.SHOP_CURRENCY)


def django_ports() -> CatalogPorts:
    return CatalogPorts(
        uow=DjangoUnitOfWork,
        categories=DjangoCategoryRepository(),
        products=DjangoProductRepository(),
        availability=DjangoAvailabilityLedger(),
        pages=DjangoProductPageCache(),
        currency=shop_currency,
    )


def django_queries() -> CatalogQueries:
    return CatalogQueries(
        category_tree=DjangoCategoryTree(),
        product_list=DjangoProductList(),
        product_details=DjangoProductDetails(),
        pages=DjangoProductPageCache(),
    )


def wire() -> None:
    catalog_use_cases.provide(compose_use_cases(django_ports()))
    catalog_queries.provide(django_queries())
    catalog_facade.provide(DjangoCatalogFacade())
