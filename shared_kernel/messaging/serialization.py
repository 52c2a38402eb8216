"""Integration events to JSON and back, exactly, driven by the event dataclass's type hints.

The hints are the contract: the encoder, the decoder and the schema snapshot the contract
tests compare (`describe_event`) all come from one codec per hint, so they cannot drift.
A field type the bus cannot carry exactly (a float amount, a dict, an ORM object) is an
`EventSchemaError` when the event is first encoded or described, not a surprise later.

Carried: str, int, bool, float, None (`X | None`), UUID and its subclasses (typed ids),
Decimal (as a string), datetime and date (ISO 8601), Money (`{"amount", "currency"}`),
enums (by value), `Literal[...]`, `tuple[X, ...]` and fixed tuples, and frozen dataclasses
of those (order lines, say).

Secrets: the fields an event names in `secret_fields` are sealed (encrypted with the keys of
`EVENT_ENCRYPTION_KEYS`, see `encryption`) by `encode_event` and opened by `decode_event`,
so the outbox never holds them readable; the decoded event is unchanged (a `reset_token` is
still a `str`), and so is its schema. Once scrubbed from the outbox, a secret cannot be
decoded again: `SecretScrubbed`.
"""

import dataclasses
import enum
import types
import typing
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, Literal, NewType, TypeVar, Union

from shared_kernel.domain.errors import DomainError
from shared_kernel.domain.events import IntegrationEvent
from shared_kernel.domain.money import Money
from shared_kernel.messaging import encryption

JSON = Any
MASK = "********"
E = TypeVar("E", bound=IntegrationEvent)


class EventSchemaError(TypeError):
    """An event declares a field the bus cannot carry exactly through JSON."""


class EventDecodeError(ValueError):
    """A stored payload does not fit the event class it names."""


class SecretScrubbed(EventDecodeError):
    """The payload's secret was erased from the outbox once its deliveries had settled."""


@dataclasses.dataclass(frozen=True)
class _Codec:
    encode: Callable[[Any], JSON]
    decode: Callable[[JSON], Any]
    schema: JSON


def encode_event(event: IntegrationEvent) -> dict[str, JSON]:
    """The event's payload as plain JSON values, its secret fields sealed."""
    event_class = type(event)
    payload: dict[str, JSON] = _object_codec(event_class).encode(event)
    for name in _secret_fields(event_class):
        payload[name] = encryption.seal(payload[name])
    return payload


def decode_event(event_class: type[E], payload: Mapping[str, JSON]) -> E:
    """The event back from its payload, its secrets opened; `EventDecodeError` when the
    payload does not fit (or a secret opens with none of the keys), `SecretScrubbed` when
    its secret is gone."""
    try:
        return _object_codec(event_class).decode(_opened(event_class, payload))
    except SecretScrubbed:
        raise
    except (KeyError, TypeError, ValueError, InvalidOperation, DomainError) as exc:
        raise EventDecodeError(
            f"{event_class.event_type} v{event_class.version}: payload does not fit ({exc})."
        ) from exc


def scrubbed_payload(
    event_class: type[IntegrationEvent] | None, payload: Mapping[str, JSON], *, at: datetime
) -> dict[str, JSON] | None:
    """The payload with its secrets erased for good, or None when it holds none any more.

    Every sealed value goes, and a declared secret field stored in plain text (written by
    code older than sealing) too; an event this code does not know loses its sealed values.
    """
    secret = _secret_fields(event_class) if event_class else frozenset()
    erased = {
        name
        for name, value in payload.items()
        if encryption.is_sealed(value) or (name in secret and not encryption.is_scrubbed(value))
    }
    if not erased:
        return None
    return {
        name: encryption.scrubbed(at) if name in erased else value
        for name, value in payload.items()
    }


def resealed_payload(
    event_class: type[IntegrationEvent] | None, payload: Mapping[str, JSON]
) -> dict[str, JSON] | None:
    """The payload with its secrets encrypted by the first key (rotation), plain ones sealed
    at last; None when it holds none to seal."""
    secret = _secret_fields(event_class) if event_class else frozenset()
    changed = False
    resealed: dict[str, JSON] = {}
    for name, value in payload.items():
        if encryption.is_sealed(value):
            resealed[name], changed = encryption.reseal(value), True
        elif name in secret and not encryption.is_scrubbed(value):
            resealed[name], changed = encryption.seal(value), True
        else:
            resealed[name] = value
    return resealed if changed else None


def _secret_fields(event_class: type[IntegrationEvent]) -> frozenset[str]:
    secret = event_class.secret_fields
    fields = {field.name for field in dataclasses.fields(event_class)}
    if not secret <= fields:
        raise EventSchemaError(
            f"{event_class.__qualname__}.secret_fields names no field: {sorted(secret - fields)}"
        )
    return secret


def _opened(event_class: type[IntegrationEvent], payload: Mapping[str, JSON]) -> Mapping[str, JSON]:
    """The payload with its sealed secrets decrypted. A plain value in a secret field was
    written before sealing (a rolling deploy) and is taken as it is."""
    secret = _secret_fields(event_class)
    if not secret:
        return payload
    opened = dict(payload)
    for name in secret & opened.keys():
        value = opened[name]
        if encryption.is_scrubbed(value):
            raise SecretScrubbed(
                f"{event_class.event_type} v{event_class.version}: {name} was scrubbed from the "
                f"outbox at {value[encryption.SCRUBBED]}, once every delivery had settled; "
                "this event cannot be delivered again."
            )
        if encryption.is_sealed(value):
            opened[name] = encryption.unseal(value)
    return opened


def describe_event(event_class: type[IntegrationEvent]) -> dict[str, JSON]:
    """The event's schema, the shape the contract tests compare against the lock file."""
    _secret_fields(event_class)  # a secret that names no field is a schema error too
    return {
        "type": event_class.event_type,
        "version": event_class.version,
        "fields": _object_codec(event_class).schema["fields"],
    }


def masked_payload(
    event_class: type[IntegrationEvent] | None, payload: Mapping[str, JSON]
) -> dict[str, JSON]:
    """The payload fit to show (admin, logs, the `outbox` command): secrets replaced.

    An event this code does not know is shown whole but for fields whose name suggests a
    secret, so an unknown version never leaks what a known one would hide.
    """
    secret = event_class.secret_fields if event_class else frozenset()
    return {
        name: MASK
        if name in secret or _looks_secret(name) or encryption.is_sealed(value)
        else value
        for name, value in payload.items()
    }


def _looks_secret(name: str) -> bool:
    return any(word in name.lower() for word in ("token", "password", "secret"))


def _object_codec(cls: type) -> _Codec:
    return _codec_for(cls)


@cache
def _codec_for(hint: Any) -> _Codec:
    for matches, build in _BUILDERS:
        if matches(hint):
            return build(hint)
    raise EventSchemaError(f"{hint!r} cannot travel in an integration event.")


def _is_class(hint: Any, base: type) -> bool:
    return isinstance(hint, type) and issubclass(hint, base)


def _scalar(kind: type, name: str) -> _Codec:
    def decode(value: JSON) -> Any:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise TypeError(f"expected {name}, got {value!r}")
        return value

    return _Codec(encode=lambda value: value, decode=decode, schema=name)


def _float_codec(_: Any) -> _Codec:
    return _Codec(encode=float, decode=float, schema="float")


def _uuid_codec(cls: type[uuid.UUID]) -> _Codec:
    return _Codec(encode=str, decode=lambda value: cls(str(value)), schema="uuid")


def _decimal_codec(_: Any) -> _Codec:
    return _Codec(encode=str, decode=lambda value: Decimal(str(value)), schema="decimal")


def _datetime_codec(_: Any) -> _Codec:
    return _Codec(encode=datetime.isoformat, decode=datetime.fromisoformat, schema="datetime")


def _date_codec(_: Any) -> _Codec:
    return _Codec(encode=date.isoformat, decode=date.fromisoformat, schema="date")


def _money_codec(_: Any) -> _Codec:
    return _Codec(encode=Money.to_dict, decode=Money.from_dict, schema="money")


def _enum_codec(cls: type[enum.Enum]) -> _Codec:
    values = [member.value for member in cls]
    return _Codec(encode=lambda member: member.value, decode=cls, schema={"enum": values})


def _literal_codec(hint: Any) -> _Codec:
    allowed = typing.get_args(hint)

    def decode(value: JSON) -> Any:
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of {allowed!r}")
        return value

    return _Codec(encode=lambda value: value, decode=decode, schema={"literal": list(allowed)})


def _is_optional(hint: Any) -> bool:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    return origin in (Union, types.UnionType) and len(args) == 2 and type(None) in args


def _optional_codec(hint: Any) -> _Codec:
    inner = _codec_for(next(arg for arg in typing.get_args(hint) if arg is not type(None)))
    return _Codec(
        encode=lambda value: None if value is None else inner.encode(value),
        decode=lambda value: None if value is None else inner.decode(value),
        schema={"optional": inner.schema},
    )


def _is_tuple(hint: Any) -> bool:
    return typing.get_origin(hint) is tuple


def _tuple_codec(hint: Any) -> _Codec:
    args = typing.get_args(hint)
    if len(args) == 2 and args[1] is Ellipsis:
        item = _codec_for(args[0])
        return _Codec(
            encode=lambda values: [item.encode(value) for value in values],
            decode=lambda values: tuple(item.decode(value) for value in _list(values)),
            schema={"tuple_of": item.schema},
        )
    items = [_codec_for(arg) for arg in args]
    return _Codec(
        encode=lambda values: [c.encode(v) for c, v in zip(items, values, strict=True)],
        decode=lambda values: tuple(c.decode(v) for c, v in zip(items, _list(values), strict=True)),
        schema={"tuple": [c.schema for c in items]},
    )


def _list(value: JSON) -> list[JSON]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {value!r}")
    return value


def _is_frozen_dataclass(hint: Any) -> bool:
    if not (isinstance(hint, type) and dataclasses.is_dataclass(hint)):
        return False
    if not hint.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        raise EventSchemaError(f"{hint.__qualname__} must be a frozen dataclass.")
    return True


def _dataclass_codec(cls: type) -> _Codec:
    hints = typing.get_type_hints(cls)
    fields = {field.name: field for field in dataclasses.fields(cls)}
    codecs = {name: _codec_for(hints[name]) for name in fields}

    def encode(obj: Any) -> dict[str, JSON]:
        return {name: codec.encode(getattr(obj, name)) for name, codec in codecs.items()}

    def decode(data: JSON) -> Any:
        if not isinstance(data, Mapping):
            raise TypeError(f"expected an object, got {data!r}")
        unexpected = set(data) - set(codecs)
        if unexpected:
            raise ValueError(f"unexpected fields {sorted(unexpected)}")
        values = {name: codecs[name].decode(data[name]) for name in codecs if name in data}
        missing = [name for name in codecs if name not in data and _required(fields[name])]
        if missing:
            raise ValueError(f"missing fields {missing}")
        return cls(**values)

    return _Codec(
        encode=encode,
        decode=decode,
        schema={"fields": {name: codec.schema for name, codec in codecs.items()}},
    )


def _required(field: dataclasses.Field[Any]) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def _is_new_type(hint: Any) -> bool:
    return isinstance(hint, NewType)


def _new_type_codec(hint: Any) -> _Codec:
    return _codec_for(hint.__supertype__)


_BUILDERS: list[tuple[Callable[[Any], bool], Callable[[Any], _Codec]]] = [
    (lambda hint: hint is bool, lambda _: _scalar(bool, "bool")),
    (lambda hint: hint is int, lambda _: _scalar(int, "int")),
    (lambda hint: hint is str, lambda _: _scalar(str, "str")),
    (lambda hint: hint is float, _float_codec),
    (lambda hint: _is_class(hint, enum.Enum), _enum_codec),
    (lambda hint: _is_class(hint, uuid.UUID), _uuid_codec),
    (lambda hint: hint is Decimal, _decimal_codec),
    (lambda hint: hint is datetime, _datetime_codec),
    (lambda hint: hint is date, _date_codec),
    (lambda hint: hint is Money, _money_codec),
    (lambda hint: typing.get_origin(hint) is Literal, _literal_codec),
    (_is_optional, _optional_codec),
    (_is_tuple, _tuple_codec),
    (_is_new_type, _new_type_codec),
    (_is_frozen_dataclass, _dataclass_codec),
]
