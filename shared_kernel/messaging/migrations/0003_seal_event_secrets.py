"""Secrets written in plain text before sealing (ADR 0016): sealed, or scrubbed when no
delivery of their event can run again. Self-contained but for two facts of the live code:
which fields an event declares secret (the registry) and the key (settings)."""

import json

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import migrations
from django.utils import timezone

FOR_GOOD = ("done", "skipped")


def seal_plain_secrets(apps, schema_editor):  # type: ignore[no-untyped-def]
    from shared_kernel.domain.events import registered_integration_events
    from shared_kernel.messaging.contracts_lock import published_events

    published_events()  # the contexts' contracts imported: their events registered
    secret = {
        (cls.event_type, cls.version): cls.secret_fields
        for cls in registered_integration_events()
        if cls.secret_fields
    }
    if not secret:
        return
    OutboxEvent = apps.get_model("messaging", "OutboxEvent")
    Delivery = apps.get_model("messaging", "Delivery")
    fernet = Fernet(settings.EVENT_ENCRYPTION_KEYS[0])
    now = timezone.now().isoformat()
    for event_type, version in secret:
        rows = OutboxEvent.objects.filter(event_type=event_type, version=version)
        for row in rows.iterator():
            plain = [
                name
                for name in secret[(event_type, version)]
                if name in row.payload and not _marked(row.payload[name])
            ]
            if not plain:
                continue
            needed = Delivery.objects.filter(event_id=row.pk).exclude(status__in=FOR_GOOD)
            keep = needed.exists()
            for name in plain:
                value = json.dumps(row.payload[name], separators=(",", ":")).encode()
                row.payload[name] = (
                    {"$sealed": fernet.encrypt(value).decode()} if keep else {"$scrubbed": now}
                )
            OutboxEvent.objects.filter(pk=row.pk).update(payload=row.payload)


def _marked(value: object) -> bool:
    return isinstance(value, dict) and set(value) in ({"$sealed"}, {"$scrubbed"})


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0002_delivery_leases"),
    ]

    operations = [
        migrations.RunPython(seal_plain_secrets, migrations.RunPython.noop, elidable=True),
    ]
