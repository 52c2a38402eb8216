"""Payments' HTTP doors: an order's payments, and Stripe's webhook."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contexts.payments.api.serializers import (
    PaymentSerializer,
    PaymentsQuerySerializer,
    WebhookReceivedSerializer,
)
from contexts.payments.application.services import payments_use_cases
from shared_kernel.api.paging import PAGE_PARAMETERS, page_request, paginated, paginated_schema
from shared_kernel.api.schema import INVALID_INPUT, PROBLEM_JSON, UNAUTHENTICATED, problem
from shared_kernel.api.views import caller_id

TAGS = ["payments"]


class PaymentsView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="The payments of an order (its customer, or staff)",
        parameters=[
            OpenApiParameter("order", OpenApiTypes.UUID, required=True, description="Order id."),
            *PAGE_PARAMETERS,
        ],
        responses={
            200: paginated_schema(PaymentSerializer),
            (400, PROBLEM_JSON): INVALID_INPUT,
            (401, PROBLEM_JSON): UNAUTHENTICATED,
            (404, PROBLEM_JSON): problem("No such order, or another customer's."),
        },
    )
    def get(self, request: Request) -> Response:
        query = PaymentsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = payments_use_cases().list_order_payments(
            order_id=query.validated_data["order"],
            caller_id=caller_id(request),
            caller_is_staff=bool(request.user.is_staff),
            page=page_request(request),
        )
        return paginated(request, page, list(PaymentSerializer(page.items, many=True).data))


class StripeWebhookView(APIView):
    """Stripe signs its calls; that signature is the credential checked. Open to anyone, no
    throttle: Stripe retries what it is refused, and a replay is harmless. Stripe sends no
    bearer token; one that is sent must be good, as on every route (§5: a bad one is 401)."""

    permission_classes = (AllowAny,)
    throttle_classes = ()

    @extend_schema(
        tags=TAGS,
        summary="Stripe's webhook: a charge succeeded or failed, or was refunded",
        description=(
            "Signed with `STRIPE_WEBHOOK_SECRET` (header `Stripe-Signature`). Reconciles "
            "`payment_intent.succeeded`, `payment_intent.payment_failed` and "
            "`charge.refunded` with our payment; other types are acknowledged and ignored. "
            "Each Stripe event id is processed once: a replay is 200 with no effect."
        ),
        request=OpenApiTypes.OBJECT,
        responses={
            200: WebhookReceivedSerializer,
            (400, PROBLEM_JSON): problem(
                "The signature is missing, wrong or older than 5 minutes, or the body is not "
                "a Stripe event; nothing was changed."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        payments_use_cases().reconcile_gateway_event(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
        return Response({"received": True})

    def get_parsers(self) -> list[Any]:
        """The body is read raw: the signature is over its exact bytes."""
        return []
