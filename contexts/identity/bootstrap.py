"""Identity's composition root: the one place that picks adapters for the ports.

`IdentityConfig.ready()` calls `wire()` once Django's apps are loaded: the API and admin
then fetch the use cases and queries from `application.services`, other contexts the
facade from `contracts.identity_facade()`.
"""

from datetime import timedelta

from django.conf import settings

from contexts.identity.application.services import (
    IdentityPorts,
    compose_use_cases,
    identity_sessions,
    identity_use_cases,
)
from contexts.identity.contracts import identity_facade
from contexts.identity.infrastructure.adapters import DjangoPasswords, SimpleJwtSessionRevoker
from contexts.identity.infrastructure.facade import DjangoIdentityFacade
from contexts.identity.infrastructure.repositories import (
    DjangoAccountRepository,
    DjangoPasswordResetRepository,
)
from contexts.identity.infrastructure.tokens import SimpleJwtSessionTokens
from shared_kernel.application.clock import utc_now
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork


def reset_valid_for() -> timedelta:
    """Read when a reset is issued, so a changed setting (or a test's override) applies."""
    return timedelta(minutes=settings.PASSWORD_RESET_TOKEN_TTL_MINUTES)


def reset_live_limit() -> int:
    """Read when a reset is issued, like the TTL."""
    return int(settings.PASSWORD_RESET_MAX_LIVE_TOKENS)


def django_ports() -> IdentityPorts:
    return IdentityPorts(
        uow=DjangoUnitOfWork,
        accounts=DjangoAccountRepository(),
        resets=DjangoPasswordResetRepository(),
        passwords=DjangoPasswords(),
        sessions=SimpleJwtSessionRevoker(),
        clock=utc_now,
        reset_valid_for=reset_valid_for,
        reset_live_limit=reset_live_limit,
    )


def wire() -> None:
    identity_use_cases.provide(compose_use_cases(django_ports()))
    identity_sessions.provide(SimpleJwtSessionTokens())
    identity_facade.provide(DjangoIdentityFacade())
