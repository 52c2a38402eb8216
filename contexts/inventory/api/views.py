"""Inventory's HTTP doors, for staff: validate the input, call one use case, render the
stock. Anonymous callers get 401, signed-in customers 403, whatever the SKU."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.inventory.api.serializers import (
    AdjustSerializer,
    RestockSerializer,
    StockSerializer,
)
from contexts.inventory.application.services import inventory_use_cases
from shared_kernel.api.schema import INVALID_INPUT, PROBLEM_JSON, UNAUTHENTICATED, problem
from shared_kernel.api.views import caller_id, validated

TAGS = ["inventory"]
SKU = OpenApiParameter("sku", str, OpenApiParameter.PATH, description="The SKU's code.")
NOT_STAFF = problem("Signed in, but not staff.")
UNKNOWN_SKU = problem("Neither inventory nor the catalog knows this SKU.")


class StaffView(APIView):
    permission_classes = (IsAdminUser,)


class StockView(StaffView):
    @extend_schema(
        tags=TAGS,
        summary="A SKU's stock: on hand, reserved, available",
        description="A SKU the catalog knows but inventory has no row for reads as zeros.",
        parameters=[SKU],
        responses={
            200: StockSerializer,
            (401, PROBLEM_JSON): UNAUTHENTICATED,
            (403, PROBLEM_JSON): NOT_STAFF,
            (404, PROBLEM_JSON): UNKNOWN_SKU,
        },
    )
    def get(self, request: Request, sku: str) -> Response:
        return Response(StockSerializer(inventory_use_cases().read_stock(sku=sku)).data)


class RestockView(StaffView):
    @extend_schema(
        tags=TAGS,
        summary="Add units that arrived; kept as a stock movement",
        parameters=[SKU],
        request=RestockSerializer,
        responses={
            200: StockSerializer,
            (400, PROBLEM_JSON): INVALID_INPUT,
            (401, PROBLEM_JSON): UNAUTHENTICATED,
            (403, PROBLEM_JSON): NOT_STAFF,
            (404, PROBLEM_JSON): UNKNOWN_SKU,
        },
    )
    def post(self, request: Request, sku: str) -> Response:
        data = validated(RestockSerializer, request)
        level = inventory_use_cases().restock(
            sku=sku, quantity=data["quantity"], by=caller_id(request)
        )
        return Response(StockSerializer(level).data)


class AdjustView(StaffView):
    @extend_schema(
        tags=TAGS,
        summary="Correct the count by a signed quantity, with a reason; kept as a movement",
        parameters=[SKU],
        request=AdjustSerializer,
        responses={
            200: StockSerializer,
            (400, PROBLEM_JSON): INVALID_INPUT,
            (401, PROBLEM_JSON): UNAUTHENTICATED,
            (403, PROBLEM_JSON): NOT_STAFF,
            (404, PROBLEM_JSON): UNKNOWN_SKU,
            (409, PROBLEM_JSON): problem("On hand would fall below what is reserved for orders."),
        },
    )
    def post(self, request: Request, sku: str) -> Response:
        data = validated(AdjustSerializer, request)
        level = inventory_use_cases().adjust_stock(
            sku=sku, quantity=data["quantity"], reason=data["reason"], by=caller_id(request)
        )
        return Response(StockSerializer(level).data)
