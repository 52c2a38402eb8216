"""Ordering's routes under `/api/v1/orders` (no trailing slashes, ARCHITECTURE.md §5)."""

from django.urls import URLPattern, path

from contexts.ordering.api import views

urlpatterns: list[URLPattern] = [
    path("", views.OrdersView.as_view(), name="orders"),
    path("/<str:order_id>", views.OrderDetailView.as_view(), name="order-detail"),
    path("/<str:order_id>/cancel", views.CancelOrderView.as_view(), name="order-cancel"),
    path("/<str:order_id>/ship", views.ShipOrderView.as_view(), name="order-ship"),
]
