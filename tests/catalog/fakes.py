"""In-memory fakes of catalog's ports, and the use cases composed on them as the app
composes them on Django's adapters (`compose_use_cases`)."""

from collections.abc import Callable, Iterable

from contexts.catalog.application.ports import (
    AvailabilityLedger,
    CachedPage,
    CategoryRepository,
    ProductPageCache,
    ProductRepository,
)
from contexts.catalog.application.services import (
    CatalogPorts,
    CatalogUseCases,
    compose_use_cases,
)
from contexts.catalog.domain.category import Category, CategoryId
from contexts.catalog.domain.errors import (
    CategoryNotFound,
    ProductNotFound,
    SkuCodeTaken,
    SkuNotFound,
    SlugTaken,
)
from contexts.catalog.domain.product import Product
from contexts.catalog.domain.values import SkuCode, Slug
from shared_kernel.messaging.envelope import is_newer
from tests.support.fakes import FakeUnitOfWork, InMemoryRepository, InMemoryStore


class InMemoryCategories(InMemoryRepository[Category], CategoryRepository):
    def get(self, slug: Slug) -> Category:
        found = self.find(slug)
        if found is None:
            raise CategoryNotFound(f"No category '{slug}'.")
        return found

    def find(self, slug: Slug) -> Category | None:
        return next((c for c in self._all() if c.slug == slug), None)

    def lineage(self, category_id: CategoryId) -> list[CategoryId]:
        by_id = {c.id: c for c in self._all()}
        lineage: list[CategoryId] = []
        current: CategoryId | None = category_id
        while current is not None and current not in lineage:
            lineage.append(current)
            current = by_id[current].parent_id
        return lineage

    def add(self, category: Category) -> None:
        if self.find(category.slug) is not None:
            raise SlugTaken("category", category.slug.value)
        self._insert(category)

    def save(self, category: Category) -> None:
        self._update(category)


class InMemoryProducts(InMemoryRepository[Product], ProductRepository):
    def get(self, slug: Slug) -> Product:
        found = next((p for p in self._all() if p.slug == slug), None)
        if found is None:
            raise ProductNotFound(f"No product '{slug}'.")
        return found

    def get_by_sku(self, code: SkuCode) -> Product:
        found = next((p for p in self._all() if code in self._codes(p)), None)
        if found is None:
            raise SkuNotFound(f"No SKU '{code}'.")
        return found

    def slug_taken(self, slug: Slug) -> bool:
        return any(p.slug == slug for p in self._all())

    def taken_codes(self, codes: Iterable[SkuCode]) -> set[SkuCode]:
        held = {code for p in self._all() for code in self._codes(p)}
        return held & set(codes)

    def add(self, product: Product) -> None:
        if self.slug_taken(product.slug):
            raise SlugTaken("product", product.slug.value)
        self._refuse_codes_of_others(product)
        self._insert(product)

    def save(self, product: Product) -> None:
        self._refuse_codes_of_others(product)
        self._update(product)

    def slug_of_sku(self, code: str) -> Slug | None:
        return next((p.slug for p in self._all() if code in map(str, self._codes(p))), None)

    def _refuse_codes_of_others(self, product: Product) -> None:
        """The unique constraint on SKU codes, as the database holds it."""
        for other in self._all():
            if other.id != product.id and (taken := self._codes(other) & self._codes(product)):
                raise SkuCodeTaken(min(taken, key=str).value)

    @staticmethod
    def _codes(product: Product) -> set[SkuCode]:
        return {sku.code for sku in product.skus}


class InMemoryAvailability(InMemoryStore, AvailabilityLedger):
    def record(self, sku: str, *, available: int, sequence: int) -> bool:
        held = self.rows.get(sku)
        if isinstance(held, tuple) and not is_newer(sequence, than=held[1]):
            return False
        self.rows[sku] = (available, sequence)
        return True

    def available(self, sku: str) -> int:
        held = self.rows.get(sku)
        return held[0] if isinstance(held, tuple) else 0


class RecordingPages(ProductPageCache):
    """Forgets by writing down which slugs were forgotten; never caches a page."""

    def __init__(self) -> None:
        self.forgotten: list[str] = []

    def page(self, slug: str, render: Callable[[], bytes]) -> CachedPage:
        return CachedPage(body=render(), etag="none")

    def forget(self, slug: Slug) -> None:
        self.forgotten.append(slug.value)


class CatalogFakes:
    """Every port faked; `use_cases()` composes them as the app does."""

    CURRENCY = "EUR"

    def __init__(self) -> None:
        self.categories = InMemoryCategories()
        self.products = InMemoryProducts()
        self.availability = InMemoryAvailability()
        self.uow = FakeUnitOfWork(stores=[self.categories, self.products, self.availability])
        self.pages = RecordingPages()

    def use_cases(self) -> CatalogUseCases:
        return compose_use_cases(
            CatalogPorts(
                uow=self.uow.factory,
                categories=self.categories,
                products=self.products,
                availability=self.availability,
                pages=self.pages,
                currency=lambda: self.CURRENCY,
            )
        )
