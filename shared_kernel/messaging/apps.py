from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "shared_kernel.messaging"
    label = "messaging"
    verbose_name = "Event bus (outbox, deliveries, inbox)"
