"""Identity's composition root: the one place that picks adapters for the ports.

`IdentityConfig.ready()` calls `wire()` once Django's apps are loaded. The API and admin
then fetch ready-made use cases from `application.services`; other contexts reach the
query facade through `contracts.identity_facade()`.
"""

from datetime import timedelta

from django.conf import settings

from contexts.identity.application.services import IdentityUseCases, provide
from contexts.identity.application.use_cases.change_password import ChangePassword
from contexts.identity.application.use_cases.change_profile import ChangeProfile
from contexts.identity.application.use_cases.change_staff_status import ChangeStaffStatus
from contexts.identity.application.use_cases.confirm_password_reset import ConfirmPasswordReset
from contexts.identity.application.use_cases.deactivate_account import DeactivateAccount
from contexts.identity.application.use_cases.get_account import GetAccount
from contexts.identity.application.use_cases.register_user import RegisterUser
from contexts.identity.application.use_cases.request_password_reset import RequestPasswordReset
from contexts.identity.application.use_cases.sign_out import SignOut
from contexts.identity.contracts import install_identity_facade
from contexts.identity.infrastructure.adapters import (
    DjangoPasswordHasher,
    DjangoPasswordPolicy,
    SecretsResetTokenGenerator,
    SimpleJwtSessionRevoker,
    SystemClock,
)
from contexts.identity.infrastructure.facade import DjangoIdentityFacade
from contexts.identity.infrastructure.repositories import (
    DjangoAccountRepository,
    DjangoPasswordResetRepository,
)
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork


def build_use_cases() -> IdentityUseCases:
    accounts = DjangoAccountRepository()
    resets = DjangoPasswordResetRepository()
    hasher = DjangoPasswordHasher()
    policy = DjangoPasswordPolicy()
    sessions = SimpleJwtSessionRevoker()
    clock = SystemClock()
    new_uow = DjangoUnitOfWork
    return IdentityUseCases(
        register_user=RegisterUser(
            new_uow=new_uow, accounts=accounts, hasher=hasher, policy=policy, clock=clock
        ),
        get_account=GetAccount(accounts=accounts),
        change_profile=ChangeProfile(new_uow=new_uow, accounts=accounts),
        change_password=ChangePassword(
            new_uow=new_uow, accounts=accounts, hasher=hasher, policy=policy, sessions=sessions
        ),
        change_staff_status=ChangeStaffStatus(new_uow=new_uow, accounts=accounts),
        deactivate_account=DeactivateAccount(new_uow=new_uow, accounts=accounts, sessions=sessions),
        request_password_reset=RequestPasswordReset(
            new_uow=new_uow,
            accounts=accounts,
            resets=resets,
            tokens=SecretsResetTokenGenerator(),
            clock=clock,
            valid_for=timedelta(minutes=settings.PASSWORD_RESET_TOKEN_TTL_MINUTES),
        ),
        confirm_password_reset=ConfirmPasswordReset(
            new_uow=new_uow,
            accounts=accounts,
            resets=resets,
            hasher=hasher,
            policy=policy,
            sessions=sessions,
            clock=clock,
        ),
        sign_out=SignOut(sessions=sessions),
    )


def wire() -> None:
    provide(build_use_cases())
    install_identity_facade(DjangoIdentityFacade())
