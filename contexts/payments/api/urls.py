"""Payments' routes under `/api/v1/payments` (no trailing slashes, ARCHITECTURE.md §5)."""

from django.urls import URLPattern, path

from contexts.payments.api import views

urlpatterns: list[URLPattern] = [
    path("", views.PaymentsView.as_view(), name="payments"),
    path("/webhooks/stripe", views.StripeWebhookView.as_view(), name="payments-stripe-webhook"),
]
