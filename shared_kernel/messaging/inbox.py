"""The inbox: which subscriber has already handled which event.

A subscriber's effect and its inbox row commit together, so an event delivered again (the
broker redelivers, a relay re-hands over, an operator replays) finds the row and is
acknowledged without a second effect.
"""

import uuid

from django.db import IntegrityError, transaction

from shared_kernel.messaging.models import InboxEntry


def admit(event_id: uuid.UUID, subscriber: str) -> bool:
    """Record that `subscriber` handles `event_id` now; False if it already has.

    Call it inside the transaction of the effect. A concurrent handler of the same event
    waits on the unique index until the first commits, then is refused here.
    """
    try:
        with transaction.atomic():
            InboxEntry.objects.create(event_id=event_id, subscriber=subscriber)
    except IntegrityError:
        return False
    return True
