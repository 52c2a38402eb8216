"""The password-reset request as the HTTP door sees it: noted, answered, done later.

`POST /auth/password-reset` must not tell anyone whether an address has an account, by its
answer (always 202) nor by its time (issue #14). Looking the account up and issuing a token
on the request made a registered address measurably slower (5.5 ms against 3.5 ms). So the
request only notes the ask, `PasswordResetAsked`, in the outbox, which is the same write
whoever asks; identity's subscriber (`contexts/identity/subscribers.py`) runs
`RequestPasswordReset` on it off the request path. ADR 0019.
"""

import uuid
from dataclasses import dataclass

from contexts.identity.application.use_cases import NewUnitOfWork
from contexts.identity.contracts import PasswordResetAsked


@dataclass(frozen=True, kw_only=True, slots=True)
class AskForPasswordReset:
    """Note that a reset link was asked for `email`; the same work for every address.

    No aggregate is loaded, on purpose: loading one is the work that told addresses apart.
    So this is the one use case that publishes by hand (ADR 0019); each ask is its own
    aggregate id, a fresh UUID that names nothing else.
    """

    uow: NewUnitOfWork

    def __call__(self, *, email: str) -> None:
        with self.uow() as uow:
            uow.publish(PasswordResetAsked(email=email), aggregate_id=str(uuid.uuid4()))
