"""Inventory's routes under `/api/v1/inventory/` (no trailing slashes, ARCHITECTURE.md §5)."""

from django.urls import URLPattern, path

from contexts.inventory.api import views

urlpatterns: list[URLPattern] = [
    path("stock/<str:sku>", views.StockView.as_view(), name="inventory-stock"),
    path("stock/<str:sku>/restock", views.RestockView.as_view(), name="inventory-restock"),
    path("stock/<str:sku>/adjust", views.AdjustView.as_view(), name="inventory-adjust"),
]
