from django.apps import AppConfig


class OrderingConfig(AppConfig):
    name = "contexts.ordering"
    label = "ordering"
    verbose_name = "Ordering"

    def ready(self) -> None:
        """Wire the use cases and the facade, and subscribe the process manager.

        Imported here, not at the top: they load models, which needs the app registry ready.
        """
        from contexts.ordering import bootstrap, subscribers

        bootstrap.wire()
        subscribers.register()
