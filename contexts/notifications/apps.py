from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "contexts.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        """Wire the use cases and subscribe to the events that send email (Celery finds
        the beat task, `tasks.py`, itself).

        Imported here, not at the top: they load models, which needs the app registry ready.
        """
        from contexts.notifications import bootstrap, subscribers

        bootstrap.wire()
        subscribers.register()
