"""Secret fields of integration events at rest: sealed with Fernet, or scrubbed (ADR 0016).

The event codec seals each field an event class names in `secret_fields` (a password reset
token) before the payload reaches the outbox, and opens it again for the subscriber. In the
stored JSON a secret field is one of:

- `{"$sealed": "<Fernet token>"}`: the field's JSON value, encrypted and authenticated with
  the first key of `EVENT_ENCRYPTION_KEYS`; any listed key opens it (`MultiFernet`), so a
  key is rotated by putting a new one first and dropping the old one once nothing sealed
  with it remains (`manage.py outbox reseal` re-encrypts what is left);
- `{"$scrubbed": "<ISO time>"}`: erased, once every delivery of the event was done or
  skipped (`outbox.scrub_settled`); nothing can bring it back.

Fernet is AES-128-CBC with an HMAC-SHA256 over it, from `cryptography`: a tampered or
truncated value fails to open rather than decoding to something else.
"""

import base64
import binascii
import json
from datetime import datetime
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

SEALED = "$sealed"
SCRUBBED = "$scrubbed"


class SecretUnreadable(ValueError):
    """A sealed value none of the configured keys opens (a dropped key, or tampering)."""


def derived_fernet_key(secret: str, *, purpose: str) -> str:
    """A stable Fernet key derived from another secret (HKDF-SHA256), for development only."""
    material = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"emporium:{purpose}".encode()
    ).derive(secret.encode())
    return base64.urlsafe_b64encode(material).decode()


def is_fernet_key(key: str) -> bool:
    try:
        Fernet(key)
    except (binascii.Error, ValueError):
        return False
    return True


def is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {SEALED}


def is_scrubbed(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {SCRUBBED}


def seal(value: Any) -> dict[str, str]:
    """A JSON value encrypted with the first configured key."""
    plaintext = json.dumps(value, separators=(",", ":")).encode()
    return {SEALED: _cipher().encrypt(plaintext).decode()}


def unseal(value: dict[str, str]) -> Any:
    """The JSON value back from `seal`'s form; `SecretUnreadable` if no listed key opens it."""
    try:
        return json.loads(_cipher().decrypt(value[SEALED].encode()))
    except (InvalidToken, ValueError, TypeError) as error:
        raise SecretUnreadable(
            "a sealed field opens with none of EVENT_ENCRYPTION_KEYS (was its key dropped?)"
        ) from error


def reseal(value: dict[str, str]) -> dict[str, str]:
    """The same secret, encrypted again with the first configured key (key rotation)."""
    try:
        return {SEALED: _cipher().rotate(value[SEALED].encode()).decode()}
    except InvalidToken as error:
        raise SecretUnreadable("a sealed field opens with none of EVENT_ENCRYPTION_KEYS") from error


def scrubbed(at: datetime) -> dict[str, str]:
    return {SCRUBBED: at.isoformat()}


def _cipher() -> MultiFernet:
    return _cipher_for(tuple(settings.EVENT_ENCRYPTION_KEYS))


@lru_cache(maxsize=8)
def _cipher_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise SecretUnreadable("EVENT_ENCRYPTION_KEYS is empty.")
    return MultiFernet([Fernet(key) for key in keys])
