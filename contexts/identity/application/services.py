"""Where the API and admin fetch identity's use cases, already wired.

The composition root (`contexts/identity/bootstrap.py`) builds them with their Django
adapters and provides them here once, when Django starts; the API and admin never import
infrastructure, and tests may provide use cases built on fakes instead.
"""

from dataclasses import dataclass

from contexts.identity.application.use_cases.change_password import ChangePassword
from contexts.identity.application.use_cases.change_profile import ChangeProfile
from contexts.identity.application.use_cases.change_staff_status import ChangeStaffStatus
from contexts.identity.application.use_cases.confirm_password_reset import ConfirmPasswordReset
from contexts.identity.application.use_cases.deactivate_account import DeactivateAccount
from contexts.identity.application.use_cases.get_account import GetAccount
from contexts.identity.application.use_cases.register_user import RegisterUser
from contexts.identity.application.use_cases.request_password_reset import RequestPasswordReset
from contexts.identity.application.use_cases.sign_out import SignOut


@dataclass(frozen=True, slots=True)
class IdentityUseCases:
    register_user: RegisterUser
    get_account: GetAccount
    change_profile: ChangeProfile
    change_password: ChangePassword
    change_staff_status: ChangeStaffStatus
    deactivate_account: DeactivateAccount
    request_password_reset: RequestPasswordReset
    confirm_password_reset: ConfirmPasswordReset
    sign_out: SignOut


_provided: list[IdentityUseCases] = []


def provide(use_cases: IdentityUseCases) -> None:
    _provided[:] = [use_cases]


def identity_use_cases() -> IdentityUseCases:
    if not _provided:
        raise RuntimeError("Identity's use cases are not wired: IdentityConfig.ready() does it.")
    return _provided[-1]
