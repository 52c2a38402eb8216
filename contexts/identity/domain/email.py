"""The email address value object: the account's login and its contact address."""

import re
from dataclasses import dataclass

from contexts.identity.domain.errors import InvalidEmailAddress

MAX_LENGTH = 254
_LOCAL_PART = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+$")
_DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@dataclass(frozen=True, slots=True)
class EmailAddress:
    """Trimmed and lower-cased whole, so `Ann@Example.COM ` and `ann@example.com` are one.

    Lower-casing the local part is a deliberate choice: no mail provider our customers use
    distinguishes case there, and one address per person matters more to the shop.
    """

    value: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _validated(self.value))

    @classmethod
    def stored(cls, value: str) -> "EmailAddress":
        """An address as the store holds it, accepted by its own write path (the admin, Django's
        `createsuperuser` in older data): never re-validated more strictly on load, where a
        refusal would lock its owner out."""
        address = object.__new__(cls)
        object.__setattr__(address, "value", value.strip().lower())
        return address

    @property
    def domain(self) -> str:
        return self.value.rpartition("@")[2]

    def __str__(self) -> str:
        return self.value


def _validated(raw: object) -> str:
    if not isinstance(raw, str):
        raise InvalidEmailAddress()
    value = raw.strip().lower()
    if not value or len(value) > MAX_LENGTH or value.count("@") != 1:
        raise InvalidEmailAddress()
    local, _, domain = value.partition("@")
    if not _valid_local_part(local) or not _valid_domain(domain):
        raise InvalidEmailAddress()
    return value


def _valid_local_part(local: str) -> bool:
    return (
        0 < len(local) <= 64
        and _LOCAL_PART.match(local) is not None
        and not local.startswith(".")
        and not local.endswith(".")
        and ".." not in local
    )


def _valid_domain(domain: str) -> bool:
    if domain == "localhost":  # as Django's validator: an operator's `admin@localhost`
        return True
    labels = domain.split(".")
    return (
        len(labels) >= 2
        and all(_DOMAIN_LABEL.match(label) for label in labels)
        and not labels[-1].isdigit()
    )
