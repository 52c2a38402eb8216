"""Catalog's use cases and queries, wired once: the ports they take, the set they form,
and where the API, the admin and the subscribers fetch them.

`compose_use_cases(ports)` is the one composition function: `bootstrap.py` passes Django's
adapters, `tests/catalog/fakes.py` in-memory fakes.
"""

from dataclasses import dataclass

from contexts.catalog.application.ports import (
    AvailabilityLedger,
    CategoryRepository,
    ProductPageCache,
    ProductRepository,
)
from contexts.catalog.application.queries import CategoryTree, ProductDetails, ProductList
from contexts.catalog.application.use_cases import (
    AddSku,
    ChangeCategory,
    ChangeSku,
    CreateCategory,
    CreateProduct,
    EditProduct,
    NewUnitOfWork,
    PublishProduct,
    RecordAvailability,
    ShopCurrency,
    UnpublishProduct,
)
from shared_kernel.application.provider import Provider
from shared_kernel.application.wiring import compose


@dataclass(frozen=True, kw_only=True, slots=True)
class CatalogPorts:
    uow: NewUnitOfWork
    categories: CategoryRepository
    products: ProductRepository
    availability: AvailabilityLedger
    pages: ProductPageCache
    currency: ShopCurrency


@dataclass(frozen=True, slots=True)
class CatalogUseCases:
    create_category: CreateCategory
    change_category: ChangeCategory
    create_product: CreateProduct
    edit_product: EditProduct
    add_sku: AddSku
    change_sku: ChangeSku
    publish_product: PublishProduct
    unpublish_product: UnpublishProduct
    record_availability: RecordAvailability


@dataclass(frozen=True, kw_only=True, slots=True)
class CatalogQueries:
    category_tree: CategoryTree
    product_list: ProductList
    product_details: ProductDetails
    pages: ProductPageCache


def compose_use_cases(ports: CatalogPorts) -> CatalogUseCases:
    return compose(CatalogUseCases, ports)


catalog_use_cases = Provider[CatalogUseCases]("Catalog's use cases")
catalog_queries = Provider[CatalogQueries]("Catalog's queries")
