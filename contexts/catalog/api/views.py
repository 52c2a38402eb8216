"""Catalog's HTTP doors: anyone reads published products and the category tree; staff
write, each write one use case, answered with the product as staff see it.

Staff-only writes answer 401 to an anonymous caller and 403 to a customer before anything
is looked up, whatever the slug or code (ARCHITECTURE.md §5). The public product page is
served from the cache with an ETag (ADR 0025).
"""

from typing import Any

from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.catalog.api.presenters import (
    category_json,
    list_item_json,
    product_body,
    product_json,
)
from contexts.catalog.api.serializers import (
    CategoryCreateSerializer,
    CategorySerializer,
    CreatedCategorySerializer,
    DetailOptionsSerializer,
    ProductCreateSerializer,
    ProductFiltersSerializer,
    ProductListItemSerializer,
    ProductSerializer,
    ProductUpdateSerializer,
    SkuInputSerializer,
    SkuUpdateSerializer,
)
from contexts.catalog.application.ports import CachedPage
from contexts.catalog.application.queries import ProductFilters
from contexts.catalog.application.services import catalog_queries, catalog_use_cases
from contexts.catalog.domain.errors import InvalidSlug, ProductNotFound
from contexts.catalog.domain.product import Product
from contexts.catalog.domain.values import Slug
from shared_kernel.api.paging import PAGE_PARAMETERS, page_request, paginated, paginated_schema
from shared_kernel.api.schema import INVALID_INPUT, PROBLEM_JSON, UNAUTHENTICATED, problem
from shared_kernel.api.views import validated

TAGS = ["catalog"]
FORBIDDEN = problem("Signed in, but not staff.")
NOT_FOUND = problem("No such product (or a draft, for anyone but staff asking for drafts).")
STAFF_WRITE_ERRORS = {
    (401, PROBLEM_JSON): UNAUTHENTICATED,
    (403, PROBLEM_JSON): FORBIDDEN,
}
INCLUDE_DRAFTS = OpenApiParameter(
    "include_drafts", str, enum=["true", "false"], description="Staff only: drafts too."
)


class PublicReadsStaffWrites(APIView):
    """Anyone reads; only staff write. DRF's own classes, so the schema marks the reads as
    needing no credentials."""

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method in SAFE_METHODS:
            return [AllowAny()]
        return [IsAdminUser()]


class StaffOnly(APIView):
    permission_classes = (IsAdminUser,)


def _is_staff(request: Request) -> bool:
    return bool(request.user and request.user.is_staff)


def _query(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _as_staff_sees_it(product: Product, *, created: bool = False) -> Response:
    detail = catalog_queries().product_details.get(product.slug.value, include_drafts=True)
    return Response(
        product_json(detail), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
    )


class CategoriesView(PublicReadsStaffWrites):
    @extend_schema(
        tags=TAGS,
        summary="The category tree (not paginated)",
        operation_id="catalog_categories_list",
        responses={200: CategorySerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response([category_json(root) for root in catalog_queries().category_tree.roots()])

    @extend_schema(
        tags=TAGS,
        summary="Add a category (staff), at the top or under `parent` (a slug)",
        request=CategoryCreateSerializer,
        responses={
            201: CreatedCategorySerializer,
            (400, PROBLEM_JSON): INVALID_INPUT,
            **STAFF_WRITE_ERRORS,
            (409, PROBLEM_JSON): problem("The slug is taken."),
        },
    )
    def post(self, request: Request) -> Response:
        data = validated(CategoryCreateSerializer, request)
        category = catalog_use_cases().create_category(
            slug=data["slug"], name=data["name"], parent=data["parent"]
        )
        parent = Slug(data["parent"]).value if data["parent"] is not None else None
        return Response(
            {"slug": category.slug.value, "name": category.name.value, "parent": parent},
            status=status.HTTP_201_CREATED,
        )


class ProductsView(PublicReadsStaffWrites):
    @extend_schema(
        tags=TAGS,
        summary="Published products by name, filtered, a page at a time",
        operation_id="catalog_products_list",
        parameters=[
            *PAGE_PARAMETERS,
            OpenApiParameter("q", str, description="Words to search for in name and description."),
            OpenApiParameter(
                "category", str, description="A category's slug; its descendants too."
            ),
            OpenApiParameter("min_price", str, description="Some SKU costs at least this."),
            OpenApiParameter("max_price", str, description="Some SKU costs at most this."),
            OpenApiParameter("in_stock", str, enum=["true", "false"]),
            INCLUDE_DRAFTS,
        ],
        responses={
            200: paginated_schema(ProductListItemSerializer),
            (400, PROBLEM_JSON): problem(
                "A malformed filter (a price that is not a number, `in_stock` not true or "
                "false), an unknown category, or a bad cursor: `errors` names it."
            ),
        },
    )
    def get(self, request: Request) -> Response:
        given = _query(ProductFiltersSerializer, request)
        filters = ProductFilters(
            q=given.get("q"),
            category=given.get("category"),
            min_price=given.get("min_price"),
            max_price=given.get("max_price"),
            in_stock=_flag(given.get("in_stock")),
            include_drafts=_is_staff(request) and given.get("include_drafts") == "true",
        )
        page = catalog_queries().product_list.page(filters, page_request(request))
        return paginated(request, page, [list_item_json(item) for item in page.items])

    @extend_schema(
        tags=TAGS,
        summary="Add a draft product (staff); `slug` is made from the name when omitted",
        request=ProductCreateSerializer,
        responses={
            201: ProductSerializer,
            (400, PROBLEM_JSON): problem("Invalid input or an unknown category."),
            **STAFF_WRITE_ERRORS,
            (409, PROBLEM_JSON): problem("The slug or a SKU code is taken."),
        },
    )
    def post(self, request: Request) -> Response:
        data = validated(ProductCreateSerializer, request)
        product = catalog_use_cases().create_product(
            name=data["name"],
            slug=data.get("slug"),
            description=data["description"],
            category=data["category"],
            skus=data["skus"],
        )
        return _as_staff_sees_it(product, created=True)


class ProductView(PublicReadsStaffWrites):
    @extend_schema(
        tags=TAGS,
        summary="A published product with its SKUs, prices and availability",
        description=(
            "Sent with an `ETag`, which changes whenever anything in the body does; "
            "`If-None-Match` with the current one gets 304."
        ),
        parameters=[
            INCLUDE_DRAFTS,
            OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER, required=False),
        ],
        responses={
            200: ProductSerializer,
            304: OpenApiResponse(description="Not modified: the ETag given is current."),
            (400, PROBLEM_JSON): INVALID_INPUT,
            (404, PROBLEM_JSON): NOT_FOUND,
        },
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        if not _is_slug(slug):
            raise ProductNotFound(f"No product '{slug}'.")
        options = _query(DetailOptionsSerializer, request) if request.query_params else {}
        details = catalog_queries().product_details
        if options.get("include_drafts") == "true" and _is_staff(request):
            page = CachedPage.of(product_body(details.get(slug, include_drafts=True)))
        else:
            page = catalog_queries().pages.page(slug, lambda: product_body(details.get(slug)))
        if _matches(request, page.etag):
            return HttpResponseNotModified(headers={"ETag": page.etag})
        return HttpResponse(page.body, content_type="application/json", headers={"ETag": page.etag})

    @extend_schema(
        tags=TAGS,
        summary="Change a product's name, description or category (staff)",
        request=ProductUpdateSerializer,
        responses={
            200: ProductSerializer,
            (400, PROBLEM_JSON): problem("Invalid input or an unknown category."),
            **STAFF_WRITE_ERRORS,
            (404, PROBLEM_JSON): NOT_FOUND,
            (409, PROBLEM_JSON): problem("The product changed meanwhile: reload, retry."),
        },
    )
    def patch(self, request: Request, slug: str) -> Response:
        data = validated(ProductUpdateSerializer, request, partial=True)
        product = catalog_use_cases().edit_product(slug=slug, **data)
        return _as_staff_sees_it(product)


class ProductSkusView(StaffOnly):
    @extend_schema(
        tags=TAGS,
        summary="Add a SKU to a product (staff); answers the product",
        request=SkuInputSerializer,
        responses={
            201: ProductSerializer,
            (400, PROBLEM_JSON): INVALID_INPUT,
            **STAFF_WRITE_ERRORS,
            (404, PROBLEM_JSON): NOT_FOUND,
            (409, PROBLEM_JSON): problem("The code is taken, or the product changed meanwhile."),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        data = validated(SkuInputSerializer, request)
        product = catalog_use_cases().add_sku(
            slug=slug, code=data["code"], attributes=data["attributes"], price=data["price"]
        )
        return _as_staff_sees_it(product, created=True)


class SkuView(StaffOnly):
    @extend_schema(
        tags=TAGS,
        summary="Change a SKU's attributes or price (staff); answers its product",
        request=SkuUpdateSerializer,
        responses={
            200: ProductSerializer,
            (400, PROBLEM_JSON): INVALID_INPUT,
            **STAFF_WRITE_ERRORS,
            (404, PROBLEM_JSON): problem("No SKU with this code."),
            (409, PROBLEM_JSON): problem(
                "The product changed meanwhile, or the price would leave a published product "
                "nothing priced above zero."
            ),
        },
    )
    def patch(self, request: Request, code: str) -> Response:
        data = validated(SkuUpdateSerializer, request, partial=True)
        product = catalog_use_cases().change_sku(code=code, **data)
        return _as_staff_sees_it(product)


class PublishView(StaffOnly):
    @extend_schema(
        tags=TAGS,
        summary="Publish a product (staff): it needs a SKU priced above zero",
        request=None,
        responses={
            200: ProductSerializer,
            **STAFF_WRITE_ERRORS,
            (404, PROBLEM_JSON): NOT_FOUND,
            (409, PROBLEM_JSON): problem(
                "No SKU priced above zero, or the product changed meanwhile."
            ),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        return _as_staff_sees_it(catalog_use_cases().publish_product(slug=slug))


class UnpublishView(StaffOnly):
    @extend_schema(
        tags=TAGS,
        summary="Take a product off sale (staff); products are never deleted",
        request=None,
        responses={
            200: ProductSerializer,
            **STAFF_WRITE_ERRORS,
            (404, PROBLEM_JSON): NOT_FOUND,
            (409, PROBLEM_JSON): problem("The product changed meanwhile."),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        return _as_staff_sees_it(catalog_use_cases().unpublish_product(slug=slug))


def _is_slug(text: str) -> bool:
    """Only a slug as stored names a product (and a cache entry)."""
    try:
        return Slug(text).value == text
    except InvalidSlug:
        return False


def _flag(value: str | None) -> bool | None:
    return None if value is None else value == "true"


def _matches(request: Request, etag: str) -> bool:
    given = request.headers.get("If-None-Match")
    if not given:
        return False
    tags = parse_etags(given)
    return "*" in tags or etag in tags or f"W/{etag}" in tags
