"""Test-only API views that raise each kind of error, routed under /api/ like the real API."""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny, IsAdminUser, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as real_urlpatterns
from shared_kernel.api.pagination import CursorPagination
from shared_kernel.api.throttling import AnonRateThrottle, AuthRateThrottle, UserRateThrottle
from shared_kernel.domain import errors


class LineSerializer(serializers.Serializer):
    sku = serializers.CharField()
    quantity = serializers.IntegerField(min_value=1, max_value=100)


class AddressSerializer(serializers.Serializer):
    city = serializers.CharField()


class OrderSerializer(serializers.Serializer):
    lines = LineSerializer(many=True)
    shipping_address = AddressSerializer()

    def validate(self, attrs: dict) -> dict:
        if len(attrs["lines"]) > 2:
            raise serializers.ValidationError("Too many lines.")
        return attrs


class OpenView(APIView):
    permission_classes = [AllowAny]
    throttle_classes: list = []


class ValidateView(OpenView):
    def post(self, request: Request) -> Response:
        OrderSerializer(data=request.data).is_valid(raise_exception=True)
        return Response({"ok": True})


DOMAIN_ERRORS = {
    "not-found": errors.NotFound("Order 42 does not exist."),
    "rule": errors.RuleViolated("Quantity must be positive."),
    "rule-on-field": errors.RuleViolated("SKU X-1 is not for sale.", field="lines"),
    "rules-on-field": errors.RuleViolated(
        "Too short. Too common.", field="password", messages=["Too short.", "Too common."]
    ),
    "conflict": errors.Conflict("Slug taken."),
    "transition": errors.IllegalTransition("A pending order cannot be shipped."),
    "denied": errors.PermissionDenied("Staff only."),
    "infrastructure": errors.InfrastructureError("psycopg: connection to db-7.internal refused"),
    "unavailable": errors.ServiceUnavailable("stripe.com timed out"),
    "django-404": Http404("No Order matches the given query."),
    "django-403": DjangoPermissionDenied("Nope."),
    "unexpected": RuntimeError("SECRET-INTERNALS password=hunter2"),
}


class RaiseView(OpenView):
    def get(self, request: Request, kind: str) -> Response:
        raise DOMAIN_ERRORS[kind]


class ProtectedView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes: list = []

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class StaffView(ProtectedView):
    permission_classes = [IsAdminUser]


class GetOnlyView(OpenView):
    def get(self, request: Request) -> Response:
        return Response({"ok": True})

    def post(self, request: Request) -> Response:
        return Response(request.data)


class ThrottledView(APIView):
    """The API's default throttles: anonymous per IP, signed-in per user."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle, UserRateThrottle]

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class AuthThrottledView(ThrottledView):
    throttle_classes = [AuthRateThrottle]


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["name"]


class ByName(CursorPagination):
    ordering = "name"


class GroupListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    throttle_classes: list = []
    queryset = Group.objects.all()
    serializer_class = GroupSerializer
    pagination_class = ByName


class HandMadeConflictView(OpenView):
    def get(self, request: Request) -> Response:
        return Response({"detail": "Made by hand."}, status=409)


class ReplayedProblemView(OpenView):
    """As an idempotency store might replay a stored validation problem: as plain JSON."""

    def get(self, request: Request) -> Response:
        problem = {
            "type": "https://emporium.example/problems/validation-error",
            "title": "Invalid input",
            "status": 400,
            "detail": "Stored.",
            "errors": {"lines.0.sku": ["Unknown SKU."]},
        }
        return Response(problem, status=400)


@require_GET
def plain_get_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse("plain")


def plain_crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("SECRET-INTERNALS in a plain view")


urlpatterns = [
    path("api/test/validate", ValidateView.as_view()),
    path("api/test/raise/<str:kind>", RaiseView.as_view()),
    path("api/test/protected", ProtectedView.as_view()),
    path("api/test/staff", StaffView.as_view()),
    path("api/test/get-only", GetOnlyView.as_view()),
    path("api/test/plain-get-only", plain_get_only),
    path("api/test/hand-made-409", HandMadeConflictView.as_view()),
    path("api/test/replayed-problem", ReplayedProblemView.as_view()),
    path("api/test/throttled", ThrottledView.as_view()),
    path("api/test/auth-throttled", AuthThrottledView.as_view()),
    path("api/test/groups", GroupListView.as_view()),
    path("api/test/plain-crash", plain_crash),
    path("outside/plain-crash", plain_crash),
    *real_urlpatterns,
]
