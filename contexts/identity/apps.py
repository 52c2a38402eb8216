from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "contexts.identity"
    label = "identity"
    verbose_name = "Identity"

    def ready(self) -> None:
        from contexts.identity import bootstrap, demo
        from shared_kernel.demo import register_demo_loader

        bootstrap.wire()
        register_demo_loader("identity", demo.load_demo_accounts)
