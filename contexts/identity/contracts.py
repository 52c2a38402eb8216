"""Identity's public face: the events it publishes and a small query facade.

This is the only module of identity another context may import. It stays pure Python
(no Django at import time), so importing it never drags identity's internals along.
"""

import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from shared_kernel.application.provider import Provider
from shared_kernel.domain.events import IntegrationEvent


@dataclass(frozen=True, kw_only=True)
class UserRegistered(IntegrationEvent):
    """A new account exists (from the API or the admin's add form). Version 1."""

    user_id: uuid.UUID
    email: str
    full_name: str


@dataclass(frozen=True, kw_only=True)
class PasswordResetRequested(IntegrationEvent):
    """An active account asked to reset its password. Version 1.

    `reset_token` is the raw, single-use secret for the reset link (see the setting
    `PASSWORD_RESET_URL`); it expires after `PASSWORD_RESET_TOKEN_TTL_MINUTES`.
    """

    secret_fields: ClassVar[frozenset[str]] = frozenset({"reset_token"})

    user_id: uuid.UUID
    email: str
    reset_token: str


@dataclass(frozen=True, kw_only=True)
class PasswordResetAsked(IntegrationEvent):
    """Someone asked for a reset link for this address: identity's own note to itself.
    Version 1.

    `POST /auth/password-reset` publishes it for any well-formed address, registered or
    not, and answers 202; identity's subscriber `identity.issue_password_reset` looks the
    account up off the request, on identity's queue, and issues the reset
    (`PasswordResetRequested`) or does nothing. So the request does the same work whoever
    asks, and its timing tells no one whether an address has an account (ADR 0019).
    `email` is a secret field: the address of someone who may have no account here.
    """

    secret_fields: ClassVar[frozenset[str]] = frozenset({"email"})

    email: str


@dataclass(frozen=True, slots=True)
class CustomerContact:
    """How to reach a customer: what notifications and back-office screens need."""

    id: uuid.UUID
    email: str
    full_name: str


class IdentityFacade(ABC):
    """Questions other contexts may ask identity. Answers are read-only snapshots."""

    @abstractmethod
    def contact_of(self, user_id: uuid.UUID) -> CustomerContact | None:
        """A customer's contact details, or None for an unknown id."""

    @abstractmethod
    def user_id_by_email(self, email: str) -> uuid.UUID | None:
        """The account holding an email address (any case, surrounding spaces ignored)."""


identity_facade = Provider[IdentityFacade]("The identity facade")
"""The facade identity's composition root provides when Django starts; another context's
tests may `identity_facade.provide(fake)`."""
