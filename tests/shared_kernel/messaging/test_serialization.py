"""Events travel through JSON exactly, and what cannot travel is refused up front."""

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from shared_kernel.domain import events as event_registry
from shared_kernel.domain.events import (
    IntegrationEvent,
    UnknownEvent,
    integration_event_class,
    publisher_of,
)
from shared_kernel.domain.money import Money
from shared_kernel.messaging.serialization import (
    MASK,
    EventDecodeError,
    EventSchemaError,
    decode_event,
    describe_event,
    encode_event,
    masked_payload,
)
from tests.messaging_testapp.events import (
    Colour,
    EverythingProbed,
    ProbeHappened,
    ProbeLine,
    ThingId,
)


@pytest.fixture
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Events declared by a test are forgotten after it."""
    monkeypatch.setattr(event_registry, "_registry", dict(event_registry._registry))


def _everything() -> EverythingProbed:
    return EverythingProbed(
        thing_id=ThingId.new(),
        plain_id=uuid.uuid4(),
        amount=Decimal("12.3400"),
        total=Money.of("19.90", "EUR"),
        at=datetime(2026, 11, 29, 1, 2, 3, 456789, tzinfo=UTC),
        on=date(2026, 11, 29),
        lines=(
            ProbeLine(sku="MUG-1", quantity=2, unit_price=Money.of("4.50", "EUR")),
            ProbeLine(sku="TEA-9", quantity=1, unit_price=Money.of("10.90", "EUR")),
        ),
        pair=("a", 1),
        colour=Colour.BLUE,
        cancelled_by="staff",
        maybe=None,
        flag=True,
        ratio=0.25,
        reset_token="s3cret",
    )


def test_an_event_round_trips_through_json_exactly() -> None:
    event = _everything()

    wire = json.loads(json.dumps(encode_event(event)))
    back = decode_event(EverythingProbed, wire)

    assert back == event
    assert type(back.thing_id) is ThingId
    assert str(back.amount) == "12.3400"
    assert wire["total"] == {"amount": "19.90", "currency": "EUR"}
    assert wire["lines"][0] == {
        "sku": "MUG-1",
        "quantity": 2,
        "unit_price": {"amount": "4.50", "currency": "EUR"},
    }


def test_a_payload_that_does_not_fit_is_a_clear_error() -> None:
    wire = encode_event(ProbeHappened(probe_id=uuid.uuid4()))

    with pytest.raises(EventDecodeError, match="ProbeHappened v1"):
        decode_event(ProbeHappened, {**wire, "unexpected": 1})
    with pytest.raises(EventDecodeError, match="missing"):
        decode_event(ProbeHappened, {"note": "x"})
    with pytest.raises(EventDecodeError):
        decode_event(EverythingProbed, {**encode_event(_everything()), "cancelled_by": "robot"})
    bad_money = {"amount": "1.00", "currency": "EURO"}  # refused by Money's own rule
    with pytest.raises(EventDecodeError, match="EverythingProbed v1"):
        decode_event(EverythingProbed, {**encode_event(_everything()), "total": bad_money})


def test_an_unknown_type_or_version_is_a_clear_error() -> None:
    assert integration_event_class("ProbeHappened", 1) is ProbeHappened
    with pytest.raises(UnknownEvent, match="ProbeHappened v7"):
        integration_event_class("ProbeHappened", 7)


def test_fields_that_cannot_travel_exactly_are_refused(scratch_registry: None) -> None:
    @dataclass(frozen=True, kw_only=True)
    class CarriesADict(IntegrationEvent):
        event_type = "tests.CarriesADict"
        attributes: dict[str, str]

    @dataclass(kw_only=True)
    class Mutable:
        sku: str

    @dataclass(frozen=True, kw_only=True)
    class CarriesAMutableLine(IntegrationEvent):
        event_type = "tests.CarriesAMutableLine"
        lines: tuple[Mutable, ...]

    with pytest.raises(EventSchemaError):
        describe_event(CarriesADict)
    with pytest.raises(EventSchemaError, match="frozen"):
        describe_event(CarriesAMutableLine)


def test_every_subclass_registers_itself_and_a_clash_is_refused(scratch_registry: None) -> None:
    with pytest.raises(TypeError, match="bump the version"):

        @dataclass(frozen=True, kw_only=True)
        class ProbeHappened(IntegrationEvent):  # same type and version, another module
            note: str

    assert (
        integration_event_class("ProbeHappened", 1).__module__ == "tests.messaging_testapp.events"
    )


def test_the_publisher_is_the_context_declaring_the_event(scratch_registry: None) -> None:
    class Fake(IntegrationEvent):
        event_type = "tests.PublisherProbe"

    Fake.__module__ = "contexts.ordering.contracts"
    assert publisher_of(Fake) == "ordering"
    assert publisher_of(ProbeHappened) == "tests.messaging_testapp.events"


def test_secrets_are_masked_for_display() -> None:
    payload = encode_event(_everything())

    shown = masked_payload(EverythingProbed, payload)

    assert shown["reset_token"] == MASK
    assert shown["amount"] == "12.3400"
    assert masked_payload(None, {"api_token": "x", "sku": "A"}) == {"api_token": MASK, "sku": "A"}
