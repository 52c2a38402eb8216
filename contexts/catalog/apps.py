from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "contexts.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        """Wire the use cases, queries and facade, subscribe, and register the demo loader.

        Imported here, not at the top: they load models, which needs the app registry ready.
        """
        from contexts.catalog import bootstrap, demo, subscribers
        from shared_kernel.demo import register_demo_loader

        bootstrap.wire()
        subscribers.register()
        register_demo_loader("catalog", demo.load_demo_catalog)
