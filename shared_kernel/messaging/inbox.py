"""The inbox: which subscriber has already handled which event.

A subscriber's effect and its inbox row commit together, so an event delivered again (the
broker redelivers, a relay re-hands over, an operator replays) finds the row and is
acknowledged without a second effect.
"""

import uuid

from django.db import connection
from django.utils import timezone

from shared_kernel.messaging.models import InboxEntry

# One statement, no savepoint: PostgreSQL and SQLite (3.35+) both speak it. A concurrent
# handler of the same event waits on the unique index until the first commits, then
# inserts nothing.
_ADMIT = (
    f"INSERT INTO {InboxEntry._meta.db_table} (event_id, subscriber, processed_at) "
    "VALUES (%s, %s, %s) ON CONFLICT (event_id, subscriber) DO NOTHING RETURNING id"
)


def admit(event_id: uuid.UUID, subscriber: str) -> bool:
    """Record that `subscriber` handles `event_id` now; False if it already has.

    Call it inside the transaction of the effect, so both commit or neither does.
    """
    values = [
        InboxEntry._meta.get_field(name).get_db_prep_value(value, connection)
        for name, value in (("event_id", event_id), ("processed_at", timezone.now()))
    ]
    with connection.cursor() as cursor:
        cursor.execute(_ADMIT, [values[0], subscriber, values[1]])
        return cursor.fetchone() is not None
