"""Ordering's HTTP doors: validate the input, call one use case or query, render the order.

Another customer's order is a 404 on every route that names it; a customer on the
staff-only ship route is a 403 whatever the id (ARCHITECTURE.md §5).
"""

import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.ordering.api.serializers import (
    OrderSerializer,
    PlaceOrderSerializer,
    ShipOrderSerializer,
)
from contexts.ordering.application.services import ordering_use_cases
from contexts.ordering.application.use_cases import Caller, RequestedLine
from contexts.ordering.application.views import OrderView
from contexts.ordering.domain.errors import OrderNotFound
from contexts.ordering.domain.order import OrderStatus
from shared_kernel.api.idempotency import HEADER, IdempotencyKeys, idempotent
from shared_kernel.api.paging import PAGE_PARAMETERS, page_request, paginated, paginated_schema
from shared_kernel.api.schema import INVALID_INPUT, PROBLEM_JSON, UNAUTHENTICATED, problem
from shared_kernel.api.views import caller_id, validated
from shared_kernel.application.provider import Provider
from shared_kernel.domain.errors import InvalidInput

TAGS = ["orders"]
order_idempotency_keys = Provider[IdempotencyKeys]("The Idempotency-Keys of POST /orders")
NOT_FOUND = problem("No such order, or another customer's.")
ILLEGAL = problem("The order is not in a state that allows this (only a confirmed one).")


def _caller(request: Request) -> Caller:
    return Caller(user_id=caller_id(request), is_staff=bool(request.user.is_staff))


def _rendered(view: OrderView) -> dict[str, object]:
    return dict(OrderSerializer(view).data)


ORDER_ID = OpenApiParameter("order_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


def _order_id(raw: str) -> uuid.UUID:
    """Any path segment reaches the view, so authentication answers first (a bad bearer
    token is 401 on every route, §5); a segment that is no UUID names no order."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise OrderNotFound() from None


def _status_filter(request: Request) -> OrderStatus | None:
    raw = request.query_params.get("status")
    if raw is None:
        return None
    try:
        return OrderStatus(raw)
    except ValueError:
        choices = ", ".join(s.value for s in OrderStatus)
        raise InvalidInput("status", [f"'{raw}' is not a status: one of {choices}."]) from None


class OrdersView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(
        tags=TAGS,
        operation_id="orders_list",
        summary="Your orders, newest first (staff: everyone's)",
        parameters=[
            *PAGE_PARAMETERS,
            OpenApiParameter("status", str, enum=[s.value for s in OrderStatus]),
        ],
        responses={
            200: paginated_schema(OrderSerializer),
            (400, PROBLEM_JSON): problem("An unknown status or a bad cursor."),
            (401, PROBLEM_JSON): UNAUTHENTICATED,
        },
    )
    def get(self, request: Request) -> Response:
        page = ordering_use_cases().list_orders(
            caller=_caller(request), page=page_request(request), status=_status_filter(request)
        )
        return paginated(request, page, [_rendered(view) for view in page.items])

    @extend_schema(
        tags=TAGS,
        operation_id="orders_create",
        summary="Place an order: 202, pending until stock and payment answer",
        description=(
            "Priced from the catalog at this moment. Scarce stock and declined cards are "
            "decided afterwards by the saga (the order becomes `rejected`), never here. "
            "With an `Idempotency-Key`, a retry with the same body gets the first answer "
            "again (`Idempotent-Replayed: true`) and places nothing more; keys are yours "
            "alone and kept 24 hours (ADR 0027)."
        ),
        parameters=[
            OpenApiParameter(
                HEADER,
                str,
                OpenApiParameter.HEADER,
                description="Up to 255 printable ASCII characters, new for each order.",
            )
        ],
        request=PlaceOrderSerializer,
        responses={
            202: OrderSerializer,
            (400, PROBLEM_JSON): problem(
                "Invalid input, an unknown or unpublished SKU (`errors.lines.N.sku`), or a "
                "malformed Idempotency-Key."
            ),
            (401, PROBLEM_JSON): UNAUTHENTICATED,
            (409, PROBLEM_JSON): problem("A request with this Idempotency-Key is still running."),
            (422, PROBLEM_JSON): problem("This Idempotency-Key was used with another body."),
        },
    )
    @idempotent(order_idempotency_keys)
    def post(self, request: Request) -> Response:
        data = validated(PlaceOrderSerializer, request)
        order = ordering_use_cases().place_order(
            customer_id=caller_id(request),
            lines=[RequestedLine(line["sku"], line["quantity"]) for line in data["lines"]],
            payment_method=data["payment_method"],
            shipping_address=data["shipping_address"],
        )
        return Response(_rendered(OrderView.of(order)), status=status.HTTP_202_ACCEPTED)


class OrderDetailView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(
        tags=TAGS,
        operation_id="orders_retrieve",
        parameters=[ORDER_ID],
        summary="One order with its lines, totals, status and history",
        responses={
            200: OrderSerializer,
            (401, PROBLEM_JSON): UNAUTHENTICATED,
            (404, PROBLEM_JSON): NOT_FOUND,
        },
    )
    def get(self, request: Request, order_id: str) -> Response:
        view = ordering_use_cases().view_order(
            order_id=_order_id(order_id), caller=_caller(request)
        )
        return Response(_rendered(view))


class CancelOrderView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(
        tags=TAGS,
        operation_id="orders_cancel",
        parameters=[ORDER_ID],
        summary="Cancel a confirmed order: refunded, its stock returned",
        request=None,
        responses={
            200: OrderSerializer,
            (401, PROBLEM_JSON): UNAUTHENTICATED,
            (404, PROBLEM_JSON): NOT_FOUND,
            (409, PROBLEM_JSON): ILLEGAL,
        },
    )
    def post(self, request: Request, order_id: str) -> Response:
        order = ordering_use_cases().cancel_order(
            order_id=_order_id(order_id), caller=_caller(request)
        )
        return Response(_rendered(OrderView.of(order)))


class ShipOrderView(APIView):
    permission_classes = (IsAdminUser,)

    @extend_schema(
        tags=TAGS,
        operation_id="orders_ship",
        parameters=[ORDER_ID],
        summary="Ship a confirmed order (staff)",
        request=ShipOrderSerializer,
        responses={
            200: OrderSerializer,
            (400, PROBLEM_JSON): INVALID_INPUT,
            (401, PROBLEM_JSON): UNAUTHENTICATED,
            (403, PROBLEM_JSON): problem("Only staff ship orders."),
            (404, PROBLEM_JSON): NOT_FOUND,
            (409, PROBLEM_JSON): ILLEGAL,
        },
    )
    def post(self, request: Request, order_id: str) -> Response:
        order_uuid = _order_id(order_id)  # a path that names no order is 404 before the body
        data = validated(ShipOrderSerializer, request)
        order = ordering_use_cases().ship_order(
            order_id=order_uuid, tracking_number=data["tracking_number"], caller=_caller(request)
        )
        return Response(_rendered(OrderView.of(order)))
