"""Delivering events in fast tests, where no worker runs.

Two ways, pick by what the test already does:

    from shared_kernel.messaging.testing import deliver_pending, eager_delivery

    # 1. Inside any django_db test: run the use case, then deliver what it published.
    register_user(...)
    deliver_pending()          # every due delivery handed over and run here, now

    # 2. After-commit delivery as in production (needs `transaction=True`, or
    #    `django_capture_on_commit_callbacks(execute=True)`): async subscribers run eagerly.
    with eager_delivery():
        register_user(...)

`deliver_pending` does not depend on commits, so it works in the test's own transaction.
Eager Celery is for tests only; the product always runs a real worker (ARCHITECTURE.md §3).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from celery import current_app

from shared_kernel.messaging import relay


@contextmanager
def eager_delivery() -> Iterator[None]:
    """Run Celery tasks (async subscribers) in this process while the block lasts."""
    conf = current_app.conf
    was_eager, was_propagating = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager, conf.task_eager_propagates = True, True
    try:
        yield
    finally:
        conf.task_always_eager, conf.task_eager_propagates = was_eager, was_propagating


def deliver_pending(*, rounds: int = 10) -> int:
    """Hand over and run every due delivery, eagerly, until none is left; the count run.

    Several rounds, because a subscriber may publish events of its own.
    """
    handed = 0
    with eager_delivery():
        for _ in range(rounds):
            batch = relay.sweep()
            if not batch:
                break
            handed += batch
    return handed
