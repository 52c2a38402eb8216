"""Where an order goes: a value object that trims what it is given and checks the rest."""

from dataclasses import dataclass, fields
from typing import Self

from contexts.ordering.domain.countries import ISO_3166_ALPHA_2
from contexts.ordering.domain.errors import InvalidOrderInput

MAX_LENGTHS = {"name": 200, "line1": 200, "line2": 200, "city": 100, "postal_code": 20}


@dataclass(frozen=True, slots=True)
class ShippingAddress:
    """`line2` may be empty; `country` is an ISO 3166-1 alpha-2 code, kept upper-case."""

    name: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str = ""

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, str):
                raise _invalid(field.name, "Must be text.")
            object.__setattr__(self, field.name, " ".join(value.split()))
        for name, limit in MAX_LENGTHS.items():
            value = getattr(self, name)
            if not value and name != "line2":
                raise _invalid(name, "This field may not be blank.")
            if len(value) > limit:
                raise _invalid(name, f"Ensure this field has no more than {limit} characters.")
        country = self.country.upper()
        if country not in ISO_3166_ALPHA_2:
            raise _invalid("country", f"'{self.country}' is not an ISO 3166-1 alpha-2 code.")
        object.__setattr__(self, "country", country)

    @classmethod
    def stored(
        cls, *, name: str, line1: str, line2: str, city: str, postal_code: str, country: str
    ) -> Self:
        """An address as it was stored, not checked again: a row valid when written stays
        loadable if the rules tighten (a country code withdrawn, a shorter limit)."""
        address = object.__new__(cls)
        for field, value in (
            ("name", name),
            ("line1", line1),
            ("line2", line2),
            ("city", city),
            ("postal_code", postal_code),
            ("country", country),
        ):
            object.__setattr__(address, field, value)
        return address


def _invalid(name: str, message: str) -> InvalidOrderInput:
    return InvalidOrderInput(f"shipping_address.{name}", message)
