"""Identity's routes under `/api/v1/` (no trailing slashes, ARCHITECTURE.md §5)."""

from django.urls import URLPattern, path

from contexts.identity.api import views

urlpatterns: list[URLPattern] = [
    path("auth/register", views.RegisterView.as_view(), name="auth-register"),
    path("auth/token", views.TokenView.as_view(), name="auth-token"),
    path("auth/token/refresh", views.TokenRefreshView.as_view(), name="auth-token-refresh"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/password-reset", views.PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "auth/password-reset/confirm",
        views.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("me", views.MeView.as_view(), name="me"),
    path("me/password", views.MePasswordView.as_view(), name="me-password"),
]
