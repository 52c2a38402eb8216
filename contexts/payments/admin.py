"""The payments back-office: read-only. Money moves only through the saga: staff refund a
payment by cancelling its order (ARCHITECTURE.md §4: there is no refund outside a
cancellation); payments hears `OrderCancelled` and refunds."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from contexts.payments.infrastructure.models import Payment

REFUND_HINT = (
    "Payments are read-only. To refund one, cancel its order in the orders admin: "
    "payments refunds it when it hears of the cancellation."
)


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "order_id",
        "status",
        "amount",
        "currency",
        "failure_reason",
        "refund_due",
        "refund_refusal",
        "created_at",
    )
    list_filter = (
        "status",
        "failure_reason",
        "refund_due",
        ("refund_refusal", admin.EmptyFieldListFilter),  # not empty: staff's to refund
        "created_at",
    )
    search_fields = ("=order_id", "=customer_id", "=gateway_reference")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "id")
    actions = None
    fields = (
        "id",
        "order_id",
        "customer_id",
        "status",
        "amount",
        "currency",
        "payment_method",
        "failure_reason",
        "gateway_reference",
        "refund_due",
        "refund_refusal",
        "version",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The list says how staff refund (`templates/admin/payments/payment/change_list.html`)."""
        return super().changelist_view(
            request, {"refund_hint": REFUND_HINT, **(extra_context or {})}
        )
