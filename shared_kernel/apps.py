from django.apps import AppConfig


class SharedKernelConfig(AppConfig):
    name = "shared_kernel"
    label = "shared_kernel"
    verbose_name = "Shared kernel"
