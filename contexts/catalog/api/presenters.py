"""The catalog's DTOs as JSON-ready dicts, the shapes `serializers.py` describes.

Written out rather than run through DRF serializers: a list page or a product page is
rendered per request (or per cache miss), and a dict built from a frozen DTO skips the
field machinery DRF repeats for every item.
"""

import json
from typing import Any

from contexts.catalog.application.queries import (
    CategoryNode,
    ProductDetail,
    ProductListItem,
    SkuView,
)


def category_json(node: CategoryNode) -> dict[str, Any]:
    return {
        "slug": node.slug,
        "name": node.name,
        "children": [category_json(child) for child in node.children],
    }


def list_item_json(item: ProductListItem) -> dict[str, Any]:
    return {
        "slug": item.slug,
        "name": item.name,
        "category": item.category,
        "price_from": item.price_from.to_dict() if item.price_from is not None else None,
        "in_stock": item.in_stock,
    }


def product_json(product: ProductDetail) -> dict[str, Any]:
    return {
        "slug": product.slug,
        "name": product.name,
        "description": product.description,
        "category": product.category,
        "published": product.published,
        "in_stock": product.in_stock,
        "skus": [_sku_json(sku) for sku in product.skus],
    }


def product_body(product: ProductDetail) -> bytes:
    """The product page as sent (and cached): compact UTF-8 JSON."""
    return json.dumps(product_json(product), ensure_ascii=False, separators=(",", ":")).encode()


def _sku_json(sku: SkuView) -> dict[str, Any]:
    return {
        "code": sku.code,
        "attributes": sku.attributes,
        "price": sku.price.to_dict(),
        "available": sku.available,
    }
