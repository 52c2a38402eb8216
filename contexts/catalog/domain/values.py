"""Catalog's value objects: each normalises on the way in and refuses what it cannot hold."""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Self

from contexts.catalog.domain.errors import (
    InvalidAttributes,
    InvalidName,
    InvalidPrice,
    InvalidSkuCode,
    InvalidSlug,
)
from shared_kernel.domain.money import Money

SLUG_MAX_LENGTH = 100
NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 5000
SKU_CODE_MAX_LENGTH = 64
PRICE_LIMIT = 1_000_000_000
MAX_ATTRIBUTES = 20
ATTRIBUTE_KEY_MAX_LENGTH = 50
ATTRIBUTE_VALUE_MAX_LENGTH = 100

# PostgreSQL stores no NUL character in text or JSON: refused here, not a 500 there.
NO_NUL = "Null characters are not allowed."

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SKU_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]*$")


@dataclass(frozen=True, slots=True)
class Slug:
    """A URL name: lower-case letters, digits and single hyphens, at most 100 characters."""

    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            raise InvalidSlug("A slug must be text.")
        value = self.value.strip().lower()
        if not value or len(value) > SLUG_MAX_LENGTH or not _SLUG.match(value):
            raise InvalidSlug(
                f"Use lower-case letters, digits and single hyphens, at most {SLUG_MAX_LENGTH}."
            )
        object.__setattr__(self, "value", value)

    @classmethod
    def from_name(cls, name: "Name") -> Self:
        """`Linen Shirt, Blue!` → `linen-shirt-blue`; accents are dropped (`Crème` → `creme`)."""
        ascii_name = unicodedata.normalize("NFKD", name.value).encode("ascii", "ignore").decode()
        words = re.findall(r"[a-z0-9]+", ascii_name.lower())
        slug = "-".join(words)[:SLUG_MAX_LENGTH].strip("-")
        if not slug:
            raise InvalidSlug("No slug can be made from this name: give one.")
        return cls(slug)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Name:
    """A category's or product's name: spaces collapsed, 1 to 200 characters."""

    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            raise InvalidName("A name must be text.")
        value = " ".join(self.value.split())
        if not value:
            raise InvalidName("A name cannot be blank.")
        if "\x00" in value:
            raise InvalidName(NO_NUL)
        if len(value) > NAME_MAX_LENGTH:
            raise InvalidName(f"Ensure this field has no more than {NAME_MAX_LENGTH} characters.")
        object.__setattr__(self, "value", value)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Description:
    """Free text shown on the product's page; trimmed, at most 5000 characters, may be empty."""

    value: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            raise InvalidName("A description must be text.", field="description")
        value = self.value.strip()
        if "\x00" in value:
            raise InvalidName(NO_NUL, field="description")
        if len(value) > DESCRIPTION_MAX_LENGTH:
            raise InvalidName(
                f"Ensure this field has no more than {DESCRIPTION_MAX_LENGTH} characters.",
                field="description",
            )
        object.__setattr__(self, "value", value)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class SkuCode:
    """A stock-keeping unit's code, unique in the shop: upper-cased, letters, digits, `.`,
    `_` and `-`, at most 64 characters (`shirt-m` and `SHIRT-M` are one code)."""

    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            raise InvalidSkuCode("A SKU code must be text.")
        value = self.value.strip().upper()
        if not value or len(value) > SKU_CODE_MAX_LENGTH or not _SKU_CODE.match(value):
            raise InvalidSkuCode(
                "Use letters, digits, '.', '_' and '-' (starting with a letter or digit), "
                f"at most {SKU_CODE_MAX_LENGTH} characters."
            )
        object.__setattr__(self, "value", value)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Attributes:
    """What tells a product's SKUs apart (`size: M`, `colour: blue`), in the order given."""

    pairs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, mapping: Mapping[str, str]) -> Self:
        if not isinstance(mapping, Mapping):
            raise InvalidAttributes("Attributes are an object of names to text values.")
        if len(mapping) > MAX_ATTRIBUTES:
            raise InvalidAttributes(f"At most {MAX_ATTRIBUTES} attributes.")
        return cls(tuple(_attribute(key, value) for key, value in mapping.items()))

    def as_dict(self) -> dict[str, str]:
        return dict(self.pairs)

    def __str__(self) -> str:
        """`size M, colour blue`: how an order line names the SKU."""
        return ", ".join(f"{key} {value}" for key, value in self.pairs)


def _attribute(key: object, value: object) -> tuple[str, str]:
    if not isinstance(key, str) or not isinstance(value, str):
        raise InvalidAttributes("Attribute names and values are text.")
    key, value = " ".join(key.split()), " ".join(value.split())
    if "\x00" in key + value:
        raise InvalidAttributes(NO_NUL)
    if not key or len(key) > ATTRIBUTE_KEY_MAX_LENGTH:
        raise InvalidAttributes(f"Attribute names have 1 to {ATTRIBUTE_KEY_MAX_LENGTH} characters.")
    if len(value) > ATTRIBUTE_VALUE_MAX_LENGTH:
        raise InvalidAttributes(
            f"Attribute values have at most {ATTRIBUTE_VALUE_MAX_LENGTH} characters."
        )
    return key, value


def valid_price(price: Money) -> Money:
    """A SKU's price: zero (not for sale yet) or more."""
    if price.amount < 0:
        raise InvalidPrice("A price cannot be negative.")
    if price.amount >= PRICE_LIMIT:
        raise InvalidPrice(f"A price must be below {PRICE_LIMIT:,}.")
    return price
