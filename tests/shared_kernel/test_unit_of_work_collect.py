"""`UnitOfWork.collect`: an aggregate's events leave it only through the unit of work."""

import uuid

from tests.shared_kernel.domain.test_aggregate_ids_errors import (
    Widget,
    WidgetId,
    WidgetPublishedForTest,
    WidgetRenamed,
)
from tests.support.fakes import FakeUnitOfWork


def test_integration_events_are_published_with_the_aggregates_id_and_sequence() -> None:
    widget = Widget(WidgetId.new())
    widget.rename("a")
    widget.publish()
    uow = FakeUnitOfWork()

    with uow:
        domain_events = uow.collect(widget)

    assert domain_events == [WidgetRenamed(name="a")]
    [published] = uow.published
    assert published.event == WidgetPublishedForTest(widget_id=widget.id)
    assert (published.aggregate_id, published.sequence) == (str(widget.id), 2)
    assert widget.collect_events() == []


def test_a_failed_unit_of_work_publishes_nothing_it_collected() -> None:
    widget = Widget(WidgetId(uuid.uuid4()))
    widget.publish()
    uow = FakeUnitOfWork()

    try:
        with uow:
            uow.collect(widget)
            raise RuntimeError("the use case failed")
    except RuntimeError:
        pass

    assert uow.published == []
    assert uow.rollbacks == 1
