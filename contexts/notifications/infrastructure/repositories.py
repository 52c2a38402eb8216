"""The delivery log kept in Django's ORM."""

import uuid
from datetime import datetime

from contexts.notifications.application.ports import DeliveryLog
from contexts.notifications.domain.delivery_log import DeliveryStatus, EmailDelivery, EventRef
from contexts.notifications.domain.emails import Template
from contexts.notifications.domain.errors import DeliveryNotFound
from contexts.notifications.infrastructure import models
from shared_kernel.application.unit_of_work import track
from shared_kernel.infrastructure import versioning


class DjangoDeliveryLog(DeliveryLog):
    def get(self, delivery_id: uuid.UUID) -> EmailDelivery:
        row = models.EmailDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if row is None:
            raise DeliveryNotFound(f"No email delivery with id {delivery_id}.")
        return _loaded(row)

    def find_for_event(self, event_id: uuid.UUID) -> EmailDelivery | None:
        row = models.EmailDelivery.objects.select_for_update().filter(event_id=event_id).first()
        return _loaded(row) if row is not None else None

    def add(self, entry: EmailDelivery) -> None:
        versioning.insert(
            models.EmailDelivery,
            entry,
            id=entry.id,
            event_id=entry.event.event_id,
            event_type=entry.event.event_type,
            template=entry.template.value,
            recipient=entry.recipient,
            context=entry.context,
            created_at=entry.created_at,
            **_changing_columns(entry),
        )

    def save(self, entry: EmailDelivery) -> None:
        versioning.update(models.EmailDelivery, entry, **_changing_columns(entry))

    def prune(self, *, created_before: datetime) -> int:
        deleted, _ = models.EmailDelivery.objects.filter(created_at__lt=created_before).delete()
        return deleted


def _changing_columns(entry: EmailDelivery) -> dict[str, object]:
    return {
        "status": entry.status.value,
        "attempts": entry.attempts,
        "last_error": entry.last_error,
        "sent_at": entry.sent_at,
    }


def _loaded(row: models.EmailDelivery) -> EmailDelivery:
    entry = EmailDelivery(
        id=row.id,
        event=EventRef(event_id=row.event_id, event_type=row.event_type),
        template=Template(row.template),
        recipient=row.recipient,
        context=dict(row.context),
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        last_error=row.last_error,
        sent_at=row.sent_at,
        created_at=row.created_at,
        version=row.version,
    )
    track(entry)
    return entry
