"""Declaring subscribers, and the helper that lets a read model ignore older events."""

from typing import Any

import pytest

from shared_kernel.messaging import bus
from shared_kernel.messaging.bus import SubscriptionError
from shared_kernel.messaging.envelope import Envelope, is_newer
from tests.messaging_testapp.events import ProbeHappened


def test_a_decorated_handler_is_subscribed_on_its_context_queue() -> None:
    @bus.subscriber(ProbeHappened, name="notifications.t_decorated")
    def handle(event: ProbeHappened, envelope: Envelope) -> None: ...

    try:
        subscription = bus.subscription_named("notifications.t_decorated")
        assert subscription is not None
        assert (subscription.queue, subscription.mode) == ("notifications", "async")
        assert subscription.wants_envelope is True
        assert subscription in bus.subscriptions_to(ProbeHappened)
    finally:
        bus.unsubscribe("notifications.t_decorated")


def test_a_name_is_taken_once_and_a_handler_takes_the_event_or_event_and_envelope(
    subscribe: Any,
) -> None:
    subscribe(ProbeHappened, lambda event: None, name="t.taken")

    with pytest.raises(SubscriptionError, match="already exists"):
        bus.subscribe(ProbeHappened, lambda event: None, name="t.taken")
    with pytest.raises(SubscriptionError, match=r"\(event\) or \(event, envelope\)"):
        bus.subscribe(ProbeHappened, lambda: None, name="t.no_args")
    with pytest.raises(SubscriptionError, match="mode"):
        bus.subscribe(ProbeHappened, lambda event: None, name="t.mode", mode="later")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sequence", "held", "applies"),
    [(5, None, True), (5, 4, True), (5, 5, False), (3, 4, False), (0, 9, True)],
)
def test_a_read_model_applies_only_events_newer_than_what_it_holds(
    sequence: int, held: int | None, applies: bool
) -> None:
    assert is_newer(sequence, than=held) is applies
