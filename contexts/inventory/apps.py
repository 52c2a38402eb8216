from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "contexts.inventory"
    label = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        """Wire the use cases, subscribe, and register the demo loader.

        Imported here, not at the top: they load models, which needs the app registry ready.
        """
        from contexts.inventory import bootstrap, demo, subscribers
        from shared_kernel.demo import register_demo_loader

        bootstrap.wire()
        subscribers.register()
        register_demo_loader("inventory", demo.load_demo_stock)
