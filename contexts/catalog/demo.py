"""Catalog's demo data: a category tree and a few hundred published products with SKUs.

Run by `manage.py demo_data` (registered in `CatalogConfig.ready`). Idempotent: categories
and products that exist (by slug) are left as they are. Products are made by the domain
(`Product.draft`, `publish`: the same rules as every door) and stored in one unit of work,
so their events (`SkuCreated`, `ProductPublished`) reach the outbox in bulk: inventory
opens a stock row for each SKU as it would for one added by staff.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from contexts.catalog.application.services import catalog_use_cases
from contexts.catalog.domain.category import CategoryId
from contexts.catalog.domain.product import Product, ProductId, Sku
from contexts.catalog.domain.values import Attributes, Description, Name, SkuCode, Slug
from contexts.catalog.infrastructure.models import Category as CategoryRow
from contexts.catalog.infrastructure.models import Product as ProductRow
from contexts.catalog.infrastructure.repositories import DjangoProductRepository
from shared_kernel.domain.money import Money
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork

# (slug, name, parent slug): parents first.
CATEGORIES = (
    ("clothing", "Clothing", None),
    ("shirts", "Shirts", "clothing"),
    ("trousers", "Trousers", "clothing"),
    ("knitwear", "Knitwear", "clothing"),
    ("jackets", "Jackets", "clothing"),
    ("home", "Home", None),
    ("kitchen", "Kitchen", "home"),
    ("bedding", "Bedding", "home"),
    ("lighting", "Lighting", "home"),
    ("outdoors", "Outdoors", None),
    ("camping", "Camping", "outdoors"),
    ("cycling", "Cycling", "outdoors"),
)


@dataclass(frozen=True)
class Line:
    """A leaf category's goods: item names, what tells their SKUs apart, a price range."""

    items: tuple[str, ...]
    attribute: str
    values: tuple[str, ...]
    prices: tuple[int, int]


LINES = {
    "shirts": Line(
        ("Oxford shirt", "Linen shirt", "Flannel shirt", "Denim shirt"),
        "size", ("S", "M", "L", "XL"), (25, 80),
    ),
    "trousers": Line(
        ("Chinos", "Corduroy trousers", "Cargo trousers", "Wool trousers"),
        "waist", ("30", "32", "34", "36"), (40, 120),
    ),
    "knitwear": Line(
        ("Merino jumper", "Cable-knit cardigan", "Cashmere scarf", "Fisherman sweater"),
        "size", ("S", "M", "L"), (35, 190),
    ),
    "jackets": Line(
        ("Rain jacket", "Waxed jacket", "Down vest", "Field coat"),
        "size", ("S", "M", "L", "XL"), (80, 320),
    ),
    "kitchen": Line(
        ("Cast-iron pan", "Chef's knife", "Enamel pot", "Cutting board"),
        "size", ("small", "large"), (15, 150),
    ),
    "bedding": Line(
        ("Linen duvet cover", "Percale sheet set", "Wool blanket", "Feather pillow"),
        "bed", ("single", "double", "king"), (30, 220),
    ),
    "lighting": Line(
        ("Brass desk lamp", "Paper pendant", "Ceramic table lamp", "Reading light"),
        "finish", ("matte", "gloss"), (25, 260),
    ),
    "camping": Line(
        ("Two-person tent", "Sleeping bag", "Camp stove", "Trekking poles"),
        "size", ("regular", "long"), (20, 400),
    ),
    "cycling": Line(
        ("Commuter helmet", "Bike light set", "Pannier bag", "Saddle"),
        "fit", ("regular", "wide"), (18, 140),
    ),
}  # fmt: skip
COLOURS = ("Navy", "Olive", "Charcoal", "Sand", "Rust", "Forest", "Sky", "Stone")
SEED = 20260101


def load_demo_catalog() -> list[str]:
    _ensure_categories()
    added = _add_products(list(_demo_products()))
    published = ProductRow.objects.filter(published=True).count()
    return [f"{added} products added; {published} published in {len(CATEGORIES)} categories"]


def _ensure_categories() -> None:
    existing = set(CategoryRow.objects.values_list("slug", flat=True))
    create = catalog_use_cases().create_category
    for slug, name, parent in CATEGORIES:
        if slug not in existing:
            create(slug=slug, name=name, parent=parent)


def _demo_products() -> Iterator[tuple[str, str, str, tuple[Sku, ...]]]:
    """(category slug, product name, description, SKUs), the same on every run."""
    randomness = random.Random(SEED)  # noqa: S311 - demo data, not a secret
    currency = settings.SHOP_CURRENCY
    for category, line in LINES.items():
        low, high = line.prices
        for item in line.items:
            for colour in COLOURS:
                name = f"{colour} {item.lower()}"
                base = Decimal(randomness.randint(low, high)) - Decimal("0.10")
                skus = tuple(
                    Sku(
                        code=SkuCode(f"{Slug.from_name(Name(name)).value}-{value}"),
                        attributes=Attributes.of({line.attribute: value, "colour": colour.lower()}),
                        price=Money(base + step * 5, currency),
                    )
                    for step, value in enumerate(line.values)
                )
                yield category, name, f"A {item.lower()} in {colour.lower()}.", skus


def _add_products(products: list[tuple[str, str, str, tuple[Sku, ...]]]) -> int:
    categories = dict(CategoryRow.objects.values_list("slug", "id"))
    existing = set(ProductRow.objects.values_list("slug", flat=True))
    repository = DjangoProductRepository()
    added = 0
    with DjangoUnitOfWork():
        for category, name, description, skus in products:
            slug = Slug.from_name(Name(name))
            if slug.value in existing:
                continue
            product = Product.draft(
                id=ProductId.new(),
                slug=slug,
                name=Name(name),
                description=Description(description),
                category_id=CategoryId(categories[category]),
                skus=skus,
            )
            product.publish()
            repository.add(product)
            added += 1
    return added
