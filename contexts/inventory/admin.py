"""Back-office screens for inventory; they change state only through its use cases.

Stock levels are listed with a low-stock filter; a stock row's page restocks or adjusts it
(the same use cases as the API, kept as movements by the staff member signed in), and the
add page stocks a SKU the catalog knows. Movements and reservations are read-only: they
are history and the order saga's, not staff's, to change.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest

from contexts.inventory.application.services import inventory_use_cases
from contexts.inventory.domain.stock import (
    MAX_ON_HAND,
    REASON_MAX_LENGTH,
    SKU_CODE_MAX_LENGTH,
    sku_code,
    stock_id,
)
from contexts.inventory.models import Reservation, Stock, StockMovement
from shared_kernel.backoffice import UseCaseAdmin

LOW_STOCK = 5


class LowStockFilter(admin.SimpleListFilter):
    title = "availability"
    parameter_name = "available"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("out", "Out of stock (0)"), ("low", f"Low (1 to {LOW_STOCK})")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        available = queryset.annotate(free=F("on_hand") - F("reserved"))
        if self.value() == "out":
            return available.filter(free__lte=0)
        if self.value() == "low":
            return available.filter(free__gt=0, free__lte=LOW_STOCK)
        return queryset


class StockForm(forms.ModelForm):
    """What staff may do to a stock row: restock it, or adjust it with a reason."""

    sku = forms.CharField(label="SKU", max_length=SKU_CODE_MAX_LENGTH)
    restock = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ON_HAND, help_text="Units that arrived."
    )
    adjust = forms.IntegerField(
        required=False,
        min_value=-MAX_ON_HAND,
        max_value=MAX_ON_HAND,
        help_text="Units added (+) or removed (-) by a correction; never below reserved.",
    )
    reason = forms.CharField(
        required=False, max_length=REASON_MAX_LENGTH, help_text="Why the count is adjusted."
    )

    class Meta:
        model = Stock
        fields = ()

    def clean_sku(self) -> str:
        return sku_code(self.cleaned_data["sku"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("restock") and not data.get("adjust"):
            raise forms.ValidationError("Give a quantity to restock or to adjust by.")
        if data.get("adjust") and not data.get("reason"):
            self.add_error("reason", "Say why the count is adjusted.")
        return data


@admin.register(Stock)
class StockAdmin(UseCaseAdmin):
    form = StockForm
    list_display = ("sku", "on_hand", "reserved", "available", "updated_at")
    list_filter = (LowStockFilter,)
    search_fields = ("sku",)
    readonly_fields = ("on_hand", "reserved", "available", "updated_at")

    def get_fields(self, request: HttpRequest, obj: Stock | None = None) -> Any:
        movement = ("restock", "adjust", "reason")
        return ("sku", *movement) if obj is None else (*self.readonly_fields, *movement)

    def get_form(
        self, request: HttpRequest, obj: Stock | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            form.base_fields["sku"].required = False
        return form

    def has_delete_permission(self, request: HttpRequest, obj: Stock | None = None) -> bool:
        """A SKU's stock is corrected, never deleted: reservations and movements name it."""
        return False

    def save_model(self, request: HttpRequest, obj: Stock, form: Any, change: bool) -> None:
        """Through the use cases; a refusal comes back on the form (`UseCaseAdmin`)."""
        data, use_cases = form.cleaned_data, inventory_use_cases()
        sku = obj.sku if change else data["sku"]
        if data.get("restock"):
            use_cases.restock(sku=sku, quantity=data["restock"], by=request.user.pk)
        if data.get("adjust"):
            use_cases.adjust_stock(
                sku=sku, quantity=data["adjust"], reason=data["reason"], by=request.user.pk
            )
        obj.pk = stock_id(sku_code(sku))
        obj.refresh_from_db()


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ("at", "sku", "kind", "quantity", "on_hand_after", "reason", "by")
    list_filter = ("kind",)
    search_fields = ("sku", "reason")
    date_hierarchy = "at"


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ("order_id", "status", "lines", "expires_at", "order_sequence", "updated_at")
    list_filter = ("status",)
    search_fields = ("order_id",)
