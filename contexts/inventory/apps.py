from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "contexts.inventory"
    label = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        """Wire the use cases, subscribe, and register the demo loader.

        Imported here, not at the top: they load models, which needs the app registry ready.
        """
        from contexts.inventory import bootstrap, subscribers

        bootstrap.wire()
        subscribers.register()
