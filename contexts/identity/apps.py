from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "contexts.identity"
    label = "identity"
    verbose_name = "Identity"

    def ready(self) -> None:
        """Wire the use cases and the facade, subscribe, and register the demo loader.

        Imported here, not at the top: they load models, which needs the app registry ready.
        """
        from contexts.identity import bootstrap, demo, subscribers
        from shared_kernel.demo import register_demo_loader

        bootstrap.wire()
        subscribers.register()
        register_demo_loader("identity", demo.load_demo_accounts)
