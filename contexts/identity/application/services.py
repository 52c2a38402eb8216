"""Identity's use cases, wired once: the ports they take, the set they form,
and where the API and admin fetch them.

`compose_use_cases(ports)` is the one composition function: `bootstrap.py` passes Django's
adapters, `tests/identity/fakes.py` in-memory fakes. The API and admin never import
infrastructure: they call `identity_use_cases()` and
`identity_sessions()` (sign-in and refresh tokens).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from contexts.identity.application.ports import (
    AccountRepository,
    PasswordResetRepository,
    Passwords,
    SessionRevoker,
    SessionTokens,
)
from contexts.identity.application.reset_asks import AskForPasswordReset
from contexts.identity.application.use_cases import (
    ChangePassword,
    ChangeProfile,
    ChangeStaffStatus,
    ConfirmPasswordReset,
    DeactivateAccount,
    NewUnitOfWork,
    RegisterUser,
    RequestPasswordReset,
    SignOut,
)
from shared_kernel.application.clock import Clock
from shared_kernel.application.provider import Provider
from shared_kernel.application.wiring import compose


@dataclass(frozen=True, kw_only=True, slots=True)
class IdentityPorts:
    uow: NewUnitOfWork
    accounts: AccountRepository
    resets: PasswordResetRepository
    passwords: Passwords
    sessions: SessionRevoker
    clock: Clock
    reset_valid_for: Callable[[], timedelta]
    reset_live_limit: Callable[[], int]


@dataclass(frozen=True, slots=True)
class IdentityUseCases:
    register_user: RegisterUser
    change_profile: ChangeProfile
    change_password: ChangePassword
    change_staff_status: ChangeStaffStatus
    deactivate_account: DeactivateAccount
    ask_for_password_reset: AskForPasswordReset
    request_password_reset: RequestPasswordReset
    confirm_password_reset: ConfirmPasswordReset
    sign_out: SignOut


def compose_use_cases(ports: IdentityPorts) -> IdentityUseCases:
    return compose(IdentityUseCases, ports)


identity_use_cases = Provider[IdentityUseCases]("Identity's use cases")
identity_sessions = Provider[SessionTokens]("Identity's session tokens")
