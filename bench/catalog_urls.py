"""The yardsticks `bench/catalog_detail.py` measures catalog's public reads against, in the
same gunicorn as the app (`bench/catalog_settings.py` makes this the URLconf):

- `/bench/drf/products` and `/bench/drf/products/<slug>`: what a competent DRF developer
  writes over the same tables: a `ReadOnlyModelViewSet` with `ModelSerializer`s, the
  product's SKUs nested, the list annotated with `price_from` (the cheapest SKU) and
  `in_stock` (a SKU with availability above zero), published products only, ordered by
  `(name, id)` under the app's `CursorPagination`; the detail one query for the product
  and one prefetch of its SKUs joined to their availability. The bodies are the app's,
  field for field (the bench compares them before measuring). The app's DRF defaults apply
  to both (authentication, throttles, renderer, exception handler).
- `/bench/catalog/uncached/<slug>`: catalog's own product page with its cached copy dropped
  first, so every request is a miss: the real view renders from PostgreSQL and stores the
  page again. It pays one Redis `DEL` more than a miss in production.
- `/bench/json`: a bare `JsonResponse` (no DRF) of a constant: the page of `BENCH_SLUG` as
  the catalog demo makes it (the bench checks it is).
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, Min, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from contexts.catalog.api.views import ProductView
from contexts.catalog.infrastructure.models import Category, Product, Sku
from shared_kernel.api.pagination import CursorPagination
from shared_kernel.domain.money import Money

BENCH_SLUG = "navy-linen-shirt"  # one of the catalog demo's products

BARE_BODY = {
    "slug": BENCH_SLUG,
    "name": "Navy linen shirt",
    "description": "A linen shirt in navy.",
    "category": "shirts",
    "published": True,
    "in_stock": False,
    "skus": [
        {
            "code": f"{BENCH_SLUG.upper()}-{size}",
            "attributes": {"size": size, "colour": "navy"},
            "price": {"amount": price, "currency": "EUR"},
            "available": 0,
        }
        for size, price in (("S", "25.90"), ("M", "30.90"), ("L", "35.90"), ("XL", "40.90"))
    ],
}


def bare_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(BARE_BODY)


_product_page = ProductView.as_view()


def uncached_product_page(request: HttpRequest, slug: str) -> HttpResponse:
    cache.delete(f"catalog:page:{slug}")  # the page's key in contexts/catalog/.../pages.py
    response: HttpResponse = _product_page(request, slug=slug)
    return response


def _price(amount: Decimal | None, currency: str) -> dict[str, str] | None:
    return None if amount is None else Money.of(amount, currency).to_dict()


class SkuSerializer(serializers.ModelSerializer[Sku]):
    attributes = serializers.SerializerMethodField()
    price = serializers.SerializerMethodField()
    available = serializers.SerializerMethodField()

    class Meta:
        model = Sku
        fields = ("code", "attributes", "price", "available")

    def get_attributes(self, sku: Sku) -> dict[str, str]:
        return {key: value for key, value in sku.attributes}

    def get_price(self, sku: Sku) -> dict[str, str] | None:
        return _price(sku.price_amount, sku.price_currency)

    def get_available(self, sku: Sku) -> int:
        return _available(sku)


def _available(sku: Sku) -> int:
    availability = getattr(sku, "availability", None)  # None: inventory never spoke of it
    return availability.available if availability is not None else 0


class ProductSerializer(serializers.ModelSerializer[Product]):
    category: serializers.SlugRelatedField[Category] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    in_stock = serializers.SerializerMethodField()
    skus = SkuSerializer(many=True, read_only=True)

    class Meta:
        model = Product
        fields = ("slug", "name", "description", "category", "published", "in_stock", "skus")

    def get_in_stock(self, product: Product) -> bool:
        return any(_available(sku) > 0 for sku in product.skus.all())


class ProductListItemSerializer(serializers.ModelSerializer[Product]):
    category: serializers.SlugRelatedField[Category] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    price_from = serializers.SerializerMethodField()
    in_stock = serializers.BooleanField(read_only=True)

    class Meta:
        model = Product
        fields = ("slug", "name", "category", "price_from", "in_stock")

    def get_price_from(self, product: Any) -> dict[str, str] | None:
        return _price(product.price_from, settings.SHOP_CURRENCY)


class ByName(CursorPagination):
    ordering = ("name", "id")  # type: ignore[assignment]  # DRF takes a tuple; its stubs say str


class ProductViewSet(viewsets.ReadOnlyModelViewSet[Product]):
    permission_classes = (AllowAny,)
    pagination_class = ByName
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Product]:
        published = Product.objects.filter(published=True).select_related("category")
        if self.action == "list":
            in_stock = Sku.objects.filter(product=OuterRef("pk"), availability__available__gt=0)
            return published.annotate(
                price_from=Min("skus__price_amount"), in_stock=Exists(in_stock)
            )
        skus = Sku.objects.select_related("availability").order_by("id")
        return published.prefetch_related(Prefetch("skus", queryset=skus))

    def get_serializer_class(self) -> type[serializers.ModelSerializer[Product]]:
        return ProductListItemSerializer if self.action == "list" else ProductSerializer


urlpatterns: list[Any] = [
    path("bench/json", bare_json),
    path("bench/catalog/uncached/<str:slug>", uncached_product_page),
    path("bench/drf/products", ProductViewSet.as_view({"get": "list"})),
    path("bench/drf/products/<str:slug>", ProductViewSet.as_view({"get": "retrieve"})),
    path("", include("config.urls")),
]
