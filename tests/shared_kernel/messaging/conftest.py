"""Fixtures for the event bus's tests: the effect table, temporary subscribers, workers."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection

from shared_kernel.domain.events import IntegrationEvent
from shared_kernel.messaging import bus
from tests.messaging_testapp.models import Effect

Subscribe = Callable[..., bus.Subscription]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test app is installed only in the workers we start; its table is made here."""
    with django_db_blocker.unblock():
        if Effect._meta.db_table not in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.create_model(Effect)


@pytest.fixture
def effects(db: None) -> type[Effect]:
    """The effect rows, emptied first (the table is outside the flushed apps)."""
    Effect.objects.all().delete()
    return Effect


@pytest.fixture
def subscribe() -> Iterator[Subscribe]:
    """Subscribe for the length of one test; the subscriptions are removed afterwards."""
    names: list[str] = []

    def _subscribe(
        event_class: type[IntegrationEvent], handler: bus.Handler, **options: Any
    ) -> bus.Subscription:
        subscription = bus.subscribe(event_class, handler, **options)
        names.append(subscription.name)
        return subscription

    yield _subscribe
    for name in names:
        bus.unsubscribe(name)
