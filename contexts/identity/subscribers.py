"""Identity's subscribers: the integration events identity handles, here its own.

A door like the API and the admin: an event in, one use case, nothing out but what the
use case publishes. Registered by `IdentityConfig.ready()`; the bus runs each handler in
one transaction with its inbox row, so an event delivered twice has one effect.

- `identity.issue_password_reset` (async, on identity's queue) on `PasswordResetAsked`:
  `POST /auth/password-reset` only notes the ask, the same work for every address; the
  account is looked up and the token issued here, off the request path (ADR 0019). An
  unknown or deactivated address does nothing, as the use case says.
"""

from contexts.identity.application.services import identity_use_cases
from contexts.identity.contracts import PasswordResetAsked
from shared_kernel.messaging.bus import subscribe

ISSUE_RESET_SUBSCRIBER = "identity.issue_password_reset"


def issue_password_reset(event: PasswordResetAsked) -> None:
    identity_use_cases().request_password_reset(email=event.email)


def register() -> None:
    subscribe(PasswordResetAsked, issue_password_reset, name=ISSUE_RESET_SUBSCRIBER)
