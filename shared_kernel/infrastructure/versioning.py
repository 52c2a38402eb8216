"""Saving versioned aggregates with the ORM: inserts at version 1, updates only the version
that was loaded (ARCHITECTURE.md §2). Every context's repositories save through these, and
`track` what they load, so the unit of work collects the aggregates' events."""

from typing import Any

from django.db import models

from shared_kernel.application.unit_of_work import track
from shared_kernel.domain.aggregate import AggregateRoot, StaleAggregate


def insert(model: type[models.Model], aggregate: AggregateRoot, **columns: Any) -> None:
    """Store a new aggregate at its first version."""
    model._default_manager.create(version=aggregate.next_version, **columns)
    aggregate.mark_saved()
    track(aggregate)


def update(model: type[models.Model], aggregate: AggregateRoot, **columns: Any) -> None:
    """`UPDATE … SET …, version = next WHERE pk = … AND version = loaded`; StaleAggregate
    (409) when nothing matched: someone changed (or removed) it since it was loaded."""
    matched = model._default_manager.filter(
        pk=aggregate.aggregate_id, version=aggregate.version
    ).update(version=aggregate.next_version, **columns)
    if not matched:
        raise StaleAggregate(aggregate)
    aggregate.mark_saved()
    track(aggregate)
