from django.apps import AppConfig


class MessagingConfig(AppConfig):
    """The event bus: outbox, relay, inbox. Its checks and metrics join the app's at start."""

    name = "shared_kernel.messaging"
    label = "messaging"
    verbose_name = "Event bus (outbox, deliveries, inbox)"

    def ready(self) -> None:
        from shared_kernel.messaging import monitoring
        from shared_kernel.observability.health import register_readiness_check

        register_readiness_check("outbox", monitoring.outbox_check, critical=False)
        monitoring.register_collector()
