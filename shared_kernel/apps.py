from django.apps import AppConfig


class SharedKernelConfig(AppConfig):
    name = "shared_kernel"
    label = "shared_kernel"
    verbose_name = "Shared kernel"

    def ready(self) -> None:
        """The sign-in lockout's receivers (log, metrics) and the admin's sign-in form that
        says when a sign-in is locked (ADR 0015). Imported here: it loads axes' models."""
        from django.contrib import admin

        from shared_kernel import sign_in_lockout

        admin.site.login_form = sign_in_lockout.SignInForm
