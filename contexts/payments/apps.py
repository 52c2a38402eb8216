from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "contexts.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        """Wire the use cases and queries, and subscribe to the saga's events.

        Imported here, not at the top: they load models, which needs the app registry ready.
        """
        from contexts.payments import bootstrap, subscribers

        bootstrap.wire()
        subscribers.register()
