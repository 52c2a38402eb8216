"""Back-office screens for orders; they change state only through ordering's use cases.

Staff find orders by status and date, or search by order id or the customer's email (asked
of identity through its facade); lines and history are shown inline. *Cancel* is a list
action; an order is shipped by typing its tracking number on its page (the only field staff
edit): both run the same use cases as the API, so an illegal move is refused here too.
"""

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from contexts.identity.contracts import identity_facade
from contexts.ordering.application.services import ordering_use_cases
from contexts.ordering.application.use_cases import Caller
from contexts.ordering.models import Order, OrderHistoryEntry, OrderLine
from shared_kernel.backoffice import UseCaseAdmin
from shared_kernel.domain.errors import DomainError
from shared_kernel.domain.money import Money


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LineInline(ReadOnlyInline):
    model = OrderLine
    fields = readonly_fields = ("sku", "name", "unit_price", "quantity")


class HistoryInline(ReadOnlyInline):
    model = OrderHistoryEntry
    fields = readonly_fields = ("status", "at", "cause")
    verbose_name_plural = "history"


class ShipOrderForm(forms.ModelForm):
    class Meta:
        model = Order
        fields = ("tracking_number",)
        help_texts = {"tracking_number": "Type it and save to ship a confirmed order."}


class NeedsAttentionFilter(admin.SimpleListFilter):
    """Orders staff must sort out by hand (a shipped order whose stock could not be
    committed): found from the list, not only on each order's page."""

    title = "attention"
    parameter_name = "attention"

    def lookups(self, request: HttpRequest, model_admin: Any) -> tuple[tuple[str, str], ...]:
        return (("yes", "Needs staff"), ("no", "Nothing to do"))

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        if self.value() == "yes":
            return queryset.exclude(attention="")
        if self.value() == "no":
            return queryset.filter(attention="")
        return queryset


def staff_caller(request: HttpRequest) -> Caller:
    return Caller(user_id=uuid.UUID(str(request.user.pk)), is_staff=True)


@admin.register(Order)
class OrderAdmin(UseCaseAdmin):
    form = ShipOrderForm
    list_display = (
        "id",
        "status",
        "rejection_reason",
        "needs_attention",
        "total",
        "customer_id",
        "created_at",
    )
    list_filter = ("status", "rejection_reason", NeedsAttentionFilter, "created_at")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    search_fields = ("id",)
    search_help_text = "An order id, or the customer's email."
    inlines = (LineInline, HistoryInline)
    actions = ("cancel_orders",)
    readonly_fields = (
        "id",
        "status",
        "rejection_reason",
        "attention",
        "customer",
        "total",
        "shipping_address",
        "payment_method",
        "reservation_id",
        "created_at",
        "version",
    )
    fieldsets = (
        (None, {"fields": ("id", "status", "rejection_reason", "attention", "created_at")}),
        ("Customer", {"fields": ("customer", "shipping_address", "payment_method")}),
        ("Amounts and stock", {"fields": ("total", "reservation_id", "version")}),
        ("Shipping", {"fields": ("tracking_number",)}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Orders are placed by customers through the API."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        """Orders are cancelled, never deleted: payments and stock movements name them."""
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Order], search_term: str
    ) -> tuple[QuerySet[Order], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            return queryset.filter(pk=uuid.UUID(term)), False
        except ValueError:
            customer_id = identity_facade().user_id_by_email(term)
        if customer_id is None:
            return queryset.none(), False
        return queryset.filter(customer_id=customer_id), False

    def save_model(self, request: HttpRequest, obj: Order, form: Any, change: bool) -> None:
        """Shipping through the use case; a refusal comes back on the form."""
        if "tracking_number" in form.changed_data:
            ordering_use_cases().ship_order(
                order_id=obj.pk,
                tracking_number=form.cleaned_data["tracking_number"],
                caller=staff_caller(request),
            )
        obj.refresh_from_db()

    @admin.action(description="Cancel the selected orders (confirmed ones: refunded)")
    def cancel_orders(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        cancel = ordering_use_cases().cancel_order
        done = 0
        for order_id in queryset.values_list("id", flat=True):
            try:
                cancel(order_id=order_id, caller=staff_caller(request))
                done += 1
            except DomainError as refused:
                self.refused(request, refused)
        self.message_user(request, f"{done} order(s) cancelled.", messages.SUCCESS)

    @admin.display(description="Attention", boolean=True)
    def needs_attention(self, obj: Order) -> bool:
        return bool(obj.attention)

    @admin.display(description="Total")
    def total(self, obj: Order) -> str:
        return str(Money(obj.total_amount, obj.currency))

    @admin.display(description="Customer")
    def customer(self, obj: Order) -> str:
        contact = identity_facade().contact_of(obj.customer_id)
        if contact is None:
            return str(obj.customer_id)
        return f"{contact.full_name} <{contact.email}> ({contact.id})"

    @admin.display(description="Shipping address")
    def shipping_address(self, obj: Order) -> str:
        parts = (
            obj.ship_to_name,
            obj.ship_to_line1,
            obj.ship_to_line2,
            f"{obj.ship_to_postal_code} {obj.ship_to_city}",
            obj.ship_to_country,
        )
        return ", ".join(part for part in parts if part)
