"""Django finds a context's models here; they live in `infrastructure/models.py`."""

from contexts.catalog.infrastructure.models import Category, Product, Sku, SkuAvailability

__all__ = ["Category", "Product", "Sku", "SkuAvailability"]
