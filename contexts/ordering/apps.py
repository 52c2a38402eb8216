from django.apps import AppConfig


class OrderingConfig(AppConfig):
    name = "contexts.ordering"
    label = "ordering"
    verbose_name = "Ordering"

    def ready(self) -> None:
        """Wire the use cases and the facade, subscribe the process manager, and register
        the demo loader.

        Imported here, not at the top: they load models, which needs the app registry ready.
        """
        from contexts.ordering import bootstrap, demo, subscribers
        from shared_kernel.demo import register_demo_loader

        bootstrap.wire()
        subscribers.register()
        register_demo_loader("ordering", demo.load_demo_orders)
