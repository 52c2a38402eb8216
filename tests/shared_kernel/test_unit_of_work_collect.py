"""The unit of work collects what the aggregates its repositories tracked raised: integration
events published with the aggregate's id and version, domain events to their handlers, in
the same block; nothing when the block fails."""

import pytest

from shared_kernel.application.unit_of_work import on_domain_event, track
from shared_kernel.domain.aggregate import StaleAggregate
from tests.shared_kernel.domain.test_aggregate_ids_errors import (
    Widget,
    WidgetId,
    WidgetPublishedForTest,
    WidgetRenamed,
)
from tests.support.fakes import FakeUnitOfWork, InMemoryRepository


class Widgets(InMemoryRepository[Widget]):
    def get(self, widget_id: WidgetId) -> Widget:
        found = self._load(str(widget_id))
        assert found is not None
        return found

    def add(self, widget: Widget) -> None:
        self._insert(widget)

    def save(self, widget: Widget) -> None:
        self._update(widget)


@pytest.fixture
def widgets() -> Widgets:
    return Widgets()


def test_integration_events_are_published_with_the_aggregates_id_and_version(
    widgets: Widgets,
) -> None:
    renamed: list[WidgetRenamed] = []
    on_domain_event(WidgetRenamed, renamed.append)
    widget = Widget(WidgetId.new())
    uow = FakeUnitOfWork(stores=[widgets])

    with uow:
        widget.rename("a")
        widget.publish()
        widgets.add(widget)

    assert renamed == [WidgetRenamed(name="a")]
    [published] = uow.published
    assert published.event == WidgetPublishedForTest(widget_id=widget.id)
    assert (published.aggregate_id, published.sequence) == (str(widget.id), 2)


def test_an_aggregate_loaded_in_the_block_has_its_events_collected(widgets: Widgets) -> None:
    widget = Widget(WidgetId.new())
    uow = FakeUnitOfWork(stores=[widgets])
    with uow:
        widgets.add(widget)

    with uow:
        loaded = widgets.get(widget.id)
        loaded.publish()
        widgets.save(loaded)

    assert [p.sequence for p in uow.published] == [2]


def test_a_failed_unit_of_work_publishes_nothing_and_keeps_nothing(widgets: Widgets) -> None:
    widget = Widget(WidgetId.new())
    uow = FakeUnitOfWork(stores=[widgets])

    def failing_after_saving() -> None:
        with uow:
            widget.publish()
            widgets.add(widget)
            raise RuntimeError("the use case failed after saving")

    with pytest.raises(RuntimeError):
        failing_after_saving()

    assert uow.published == []
    assert widgets.rows == {}
    assert uow.rollbacks == 1


def test_a_save_over_a_newer_version_is_stale(widgets: Widgets) -> None:
    widget = Widget(WidgetId.new())
    uow = FakeUnitOfWork(stores=[widgets])
    with uow:
        widgets.add(widget)
    first, second = widgets.get(widget.id), widgets.get(widget.id)

    with uow:
        widgets.save(first)
    with pytest.raises(StaleAggregate), uow:
        widgets.save(second)


def test_an_event_raised_but_never_saved_fails_the_block(widgets: Widgets) -> None:
    widget = Widget(WidgetId.new())
    uow = FakeUnitOfWork(stores=[widgets])

    def raising_without_saving() -> None:
        with uow:
            track(widget)
            widget.publish()

    with pytest.raises(RuntimeError, match="unsaved"):
        raising_without_saving()

    assert uow.published == []
