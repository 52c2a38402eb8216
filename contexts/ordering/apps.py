from django.apps import AppConfig


class OrderingConfig(AppConfig):
    name = "contexts.ordering"
    label = "ordering"
    verbose_name = "Ordering"
