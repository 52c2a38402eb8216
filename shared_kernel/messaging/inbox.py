"""The inbox: which subscriber has already handled which event.

A subscriber's effect and its inbox row commit together, so an event delivered again (the
broker redelivers, a relay re-hands over, an operator replays) finds the row and is
acknowledged without a second effect.
"""

import uuid
from typing import Any

from django.db import connection, models
from django.utils import timezone

from shared_kernel.messaging.models import InboxEntry

# One statement, no savepoint: PostgreSQL and SQLite (3.35+) both speak it. A concurrent
# handler of the same event waits on the unique index until the first commits, then
# inserts nothing.
_ADMIT = (
    f"INSERT INTO {InboxEntry._meta.db_table} (event_id, subscriber, processed_at) "  # noqa: S608
    "VALUES (%s, %s, %s) ON CONFLICT (event_id, subscriber) DO NOTHING RETURNING id"
)


def admit(event_id: uuid.UUID, subscriber: str) -> bool:
    """Record that `subscriber` handles `event_id` now; False if it already has.

    Call it inside the transaction of the effect, so both commit or neither does.
    """
    values = [
        _prepared("event_id", event_id),
        subscriber,
        _prepared("processed_at", timezone.now()),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_ADMIT, values)
        return cursor.fetchone() is not None


def _prepared(field_name: str, value: object) -> Any:
    field = InboxEntry._meta.get_field(field_name)
    assert isinstance(field, models.Field)
    return field.get_db_prep_value(value, connection)
