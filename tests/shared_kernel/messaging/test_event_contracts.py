"""Contract tests: every integration event is frozen, JSON-safe, and matches its locked schema.

A schema change under the same version breaks consumers silently; the lock
(`docs/events.lock.json`, written by `manage.py outbox lock`) makes it loud.
"""

import dataclasses

import pytest

from contexts.identity.contracts import UserRegistered
from shared_kernel.domain.events import IntegrationEvent, registered_integration_events
from shared_kernel.messaging import contracts_lock
from shared_kernel.messaging.serialization import describe_event


def _all_events() -> list[type[IntegrationEvent]]:
    contracts_lock.published_events()  # imports every context's contracts.py
    return registered_integration_events()


@pytest.mark.parametrize("event_class", _all_events(), ids=contracts_lock.key)
def test_every_integration_event_is_frozen_and_json_safe(
    event_class: type[IntegrationEvent],
) -> None:
    assert dataclasses.is_dataclass(event_class)
    assert event_class.__dataclass_params__.frozen  # type: ignore[attr-defined]
    described = describe_event(event_class)["fields"]
    assert list(described) == [field.name for field in dataclasses.fields(event_class)]
    assert set(event_class.secret_fields) <= {f.name for f in dataclasses.fields(event_class)}


def test_an_event_is_described_field_by_field_with_each_fields_kind() -> None:
    """The lock is written from `describe_event`: a description that lost a field or a
    kind would be locked as wrong as it is, so one event is spelled out here by hand."""
    assert describe_event(UserRegistered) == {
        "type": "UserRegistered",
        "version": 1,
        "fields": {"user_id": "uuid", "email": "str", "full_name": "str"},
    }


def test_every_published_event_matches_its_locked_schema() -> None:
    assert contracts_lock.drift(contracts_lock.read_lock()) == []


def test_a_field_changed_in_place_is_caught() -> None:
    lock = {contracts_lock.key(cls): describe_event(cls) for cls in _published_or_skip()}
    name = next(iter(lock))
    lock[name] = {**lock[name], "fields": {}}

    assert contracts_lock.drift(lock) == [
        f"{name} changed without a new version: bump its `version`."
    ]


def _published_or_skip() -> list[type[IntegrationEvent]]:
    published = contracts_lock.published_events()
    if not published:
        pytest.skip("no context publishes an integration event yet")
    return published
