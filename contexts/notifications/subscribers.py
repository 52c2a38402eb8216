"""Notifications' subscribers: one per event that sends a customer an email (ARCHITECTURE.md §4).

Doors like the API and the admin: an event in, one use case. Each is asynchronous, on the
`notifications` queue; the bus runs it in one transaction with its inbox row, retries it
with backoff when it raises (a mail server that is down), and dead-letters it after the
last attempt. Registered by `NotificationsConfig.ready()`.
"""

from contexts.notifications.application.emails import TEMPLATE_OF
from contexts.notifications.application.services import notifications_use_cases
from shared_kernel.domain.events import IntegrationEvent
from shared_kernel.messaging.bus import subscribe
from shared_kernel.messaging.envelope import Envelope


def send_email(event: IntegrationEvent, envelope: Envelope) -> None:
    notifications_use_cases().send_event_email(event=event, event_id=envelope.event_id)


def subscriber_name(template: str) -> str:
    return f"notifications.email_{template}"


def register() -> None:
    for event_class, template in TEMPLATE_OF.items():
        subscribe(event_class, send_email, name=subscriber_name(template))
