"""Catalog as Django stores it: the category tree, products with their SKUs (one versioned
aggregate: the product row holds the version), and the availability read model."""

import uuid

from django.db import models
from django.utils import timezone

from contexts.catalog.domain.values import NAME_MAX_LENGTH, SKU_CODE_MAX_LENGTH, SLUG_MAX_LENGTH


class Category(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH)
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "catalog_category"
        ordering = ("name",)
        verbose_name_plural = "categories"
        constraints = (
            models.UniqueConstraint(fields=("slug",), name="catalog_category_slug_unique"),
        )

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH)
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    description = models.TextField(blank=True, default="")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The Product aggregate's version (its SKUs included): saves are
    # `UPDATE … WHERE version = <loaded>`, and its events' sequence.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "catalog_product"
        ordering = ("name", "id")
        constraints = (
            models.UniqueConstraint(fields=("slug",), name="catalog_product_slug_unique"),
        )
        indexes = (
            # The public list: published products by name (the keyset order).
            models.Index(fields=("published", "name", "id"), name="catalog_product_list_idx"),
        )

    def __str__(self) -> str:
        return self.name


class Sku(models.Model):
    """A product's SKU. Its code is unique in the shop: the constraint decides a race."""

    id = models.BigAutoField(primary_key=True)  # insertion order: the product's SKU order
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="skus")
    code = models.CharField(max_length=SKU_CODE_MAX_LENGTH)
    attributes = models.JSONField(default=list, blank=True)  # [[name, value], …], in order
    price_amount = models.DecimalField(max_digits=12, decimal_places=3)
    price_currency = models.CharField(max_length=3)

    class Meta:
        db_table = "catalog_sku"
        ordering = ("id",)
        verbose_name = "SKU"
        constraints = (models.UniqueConstraint(fields=("code",), name="catalog_sku_code_unique"),)
        indexes = (models.Index(fields=("product", "price_amount"), name="catalog_sku_price_idx"),)

    def __str__(self) -> str:
        return self.code


class SkuAvailability(models.Model):
    """How many of a SKU can be sold, as inventory last told (`StockChanged`), with that
    event's sequence: an older one changes nothing. No database constraint on the code:
    inventory may speak of a SKU before catalog's row is visible, and a SKU not heard of
    reads 0."""

    sku = models.OneToOneField(
        Sku,
        to_field="code",
        db_column="sku",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="availability",
    )
    available = models.IntegerField()
    sequence = models.BigIntegerField()

    class Meta:
        db_table = "catalog_sku_availability"
        verbose_name_plural = "SKU availability"

    def __str__(self) -> str:
        return f"{self.sku_id}: {self.available}"
