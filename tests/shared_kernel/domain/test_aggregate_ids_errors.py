import uuid
from dataclasses import dataclass

import pytest

from shared_kernel.domain.aggregate import AggregateRoot, UnsavedEvents
from shared_kernel.domain.errors import (
    Conflict,
    DomainError,
    IllegalTransition,
    InfrastructureError,
    NotFound,
    RuleViolated,
    ServiceUnavailable,
)
from shared_kernel.domain.events import DomainEvent, IntegrationEvent
from shared_kernel.domain.ids import EntityId


class WidgetId(EntityId):
    pass


@dataclass(frozen=True, kw_only=True)
class WidgetRenamed(DomainEvent):
    name: str


@dataclass(frozen=True, kw_only=True)
class WidgetPublishedForTest(IntegrationEvent):
    widget_id: uuid.UUID


class Widget(AggregateRoot):
    def __init__(self, widget_id: WidgetId, version: int = 0) -> None:
        super().__init__(version=version)
        self.id = widget_id

    def rename(self, name: str) -> None:
        self.record(WidgetRenamed(name=name))

    def publish(self) -> None:
        self.record(WidgetPublishedForTest(widget_id=self.id))


def test_typed_id_is_a_uuid_that_names_its_kind() -> None:
    widget_id = WidgetId.new()
    assert isinstance(widget_id, uuid.UUID)
    assert WidgetId(str(widget_id)) == widget_id
    assert repr(widget_id).startswith("WidgetId('")


def test_a_save_takes_one_version_per_event_raised_and_stamps_them() -> None:
    widget = Widget(WidgetId.new())
    widget.rename("a")
    widget.publish()
    assert (widget.version, widget.next_version) == (0, 2)

    widget.mark_saved()
    recorded = widget.collect_events()

    assert [r.sequence for r in recorded] == [1, 2]
    assert all(r.aggregate_id == str(widget.id) for r in recorded)
    assert widget.version == 2


def test_a_change_raising_no_event_is_still_one_version() -> None:
    widget = Widget(WidgetId.new(), version=7)
    assert widget.next_version == 8
    widget.mark_saved()
    assert (widget.version, widget.collect_events()) == (8, [])


def test_collected_events_are_handed_over_once() -> None:
    widget = Widget(WidgetId.new())
    widget.rename("a")
    widget.mark_saved()
    assert len(widget.collect_events()) == 1
    assert widget.collect_events() == []


def test_events_continue_from_the_loaded_version() -> None:
    widget = Widget(WidgetId.new(), version=7)
    widget.rename("b")
    widget.mark_saved()
    assert widget.collect_events()[0].sequence == 8


def test_events_raised_but_never_saved_are_refused_not_lost() -> None:
    widget = Widget(WidgetId.new())
    widget.rename("lost")
    with pytest.raises(UnsavedEvents, match="WidgetRenamed"):
        widget.collect_events()


def test_integration_event_type_defaults_to_the_class_name_and_is_frozen() -> None:
    event = WidgetPublishedForTest(widget_id=uuid.uuid4())
    assert event.event_type == "WidgetPublishedForTest"
    assert event.version == 1
    with pytest.raises(AttributeError):
        event.widget_id = uuid.uuid4()  # type: ignore[misc]


def test_error_hierarchy_separates_domain_from_infrastructure() -> None:
    for kind in (NotFound, RuleViolated, Conflict, IllegalTransition):
        assert issubclass(kind, DomainError)
    assert issubclass(IllegalTransition, Conflict)
    assert issubclass(ServiceUnavailable, InfrastructureError)
    assert not issubclass(InfrastructureError, DomainError)


def test_domain_error_carries_a_detail_and_context() -> None:
    error = Conflict("Email already in use.", email="a@example.com")
    assert error.detail == "Email already in use."
    assert error.context == {"email": "a@example.com"}
    assert NotFound().detail == NotFound.title
