"""Identity's use cases on in-memory fakes: no database, no Django."""

import uuid

import pytest

from contexts.identity.application.use_cases import WrongCurrentPassword
from contexts.identity.contracts import (
    PasswordResetAsked,
    PasswordResetRequested,
    UserRegistered,
)
from contexts.identity.domain.account import Account, UserId
from contexts.identity.domain.errors import (
    AccountInactive,
    AccountNotFound,
    EmailAlreadyRegistered,
    InvalidEmailAddress,
    ResetTokenAlreadyUsed,
    ResetTokenExpired,
    ResetTokenInvalid,
    WeakPassword,
)
from contexts.identity.domain.password_reset import digest_reset_token
from shared_kernel.domain.aggregate import StaleAggregate
from shared_kernel.domain.errors import InvalidInput, PermissionDenied
from tests.identity.fakes import IdentityFakes

PASSWORD = "correct-horse-battery"


@pytest.fixture
def fakes() -> IdentityFakes:
    return IdentityFakes()


def kept(fakes: IdentityFakes, account: Account) -> Account:
    found = fakes.accounts.rows[str(account.id)]
    assert isinstance(found, Account)
    return found


def reset_token(fakes: IdentityFakes) -> str:
    """The raw secret of the last reset link: it travels only in the event."""
    return next(
        e.reset_token for e in reversed(fakes.uow.events) if isinstance(e, PasswordResetRequested)
    )


def register(fakes: IdentityFakes, email: str = "ann@example.com", **kwargs: str) -> Account:
    kwargs.setdefault("password", PASSWORD)
    kwargs.setdefault("full_name", "Ann Lee")
    return fakes.use_cases().register_user(email=email, **kwargs)


class TestRegisterUser:
    def test_opens_an_account_and_announces_it_in_the_same_unit_of_work(self, fakes):
        account = register(fakes, " Ann@Example.COM ")

        stored = kept(fakes, account)
        assert stored.email.value == "ann@example.com"
        assert stored.full_name == "Ann Lee"
        assert stored.password_hash == f"plain${PASSWORD}"
        assert stored.is_active
        assert not stored.is_staff
        assert stored.date_joined == fakes.clock()
        [published] = fakes.uow.published
        assert published.event == UserRegistered(
            user_id=account.id, email="ann@example.com", full_name="Ann Lee"
        )
        assert published.aggregate_id == str(account.id)
        assert published.sequence == 1

    def test_an_email_in_use_in_another_case_is_a_conflict_and_publishes_nothing(self, fakes):
        register(fakes, "ann@example.com")
        with pytest.raises(EmailAlreadyRegistered):
            register(fakes, "ANN@example.com")
        assert len(fakes.accounts.rows) == 1
        assert len(fakes.uow.events) == 1
        assert fakes.uow.rollbacks == 1

    def test_a_weak_password_is_refused_with_every_reason(self, fakes):
        with pytest.raises(WeakPassword) as refused:
            register(fakes, "ann@example.com", password="ann")
        assert refused.value.field == "password"
        assert refused.value.messages == [
            "This password is too short.",
            "This password is too similar to the email address.",
        ]
        assert fakes.accounts.rows == {}
        assert fakes.uow.events == []

    def test_a_malformed_email_is_refused(self, fakes):
        with pytest.raises(InvalidEmailAddress):
            register(fakes, "not-an-email")
        assert fakes.accounts.rows == {}
        assert fakes.uow.events == []


class TestChangeProfile:
    def test_changes_the_full_name_only(self, fakes):
        account = register(fakes)
        changed = fakes.use_cases().change_profile(user_id=account.id, full_name=" Ann  B. Lee ")
        assert changed.full_name == "Ann B. Lee"
        assert kept(fakes, account).full_name == "Ann B. Lee"
        assert kept(fakes, account).email == account.email

    def test_an_unknown_account_is_not_found(self, fakes):
        with pytest.raises(AccountNotFound):
            fakes.use_cases().change_profile(user_id=UserId(uuid.uuid4()), full_name="X")

    def test_a_deactivated_account_is_refused(self, fakes):
        account = register(fakes)
        fakes.use_cases().deactivate_account(user_id=account.id)
        with pytest.raises(AccountInactive):
            fakes.use_cases().change_profile(user_id=account.id, full_name="X")
        assert kept(fakes, account).full_name == "Ann Lee"


class TestChangePassword:
    def test_replaces_the_password_and_signs_out_every_session(self, fakes):
        account = register(fakes)
        fakes.use_cases().change_password(
            user_id=account.id, current_password=PASSWORD, new_password="a-new-long-secret"
        )
        assert kept(fakes, account).password_hash == "plain$a-new-long-secret"
        assert fakes.sessions.revoked == [account.id]

    def test_the_current_password_must_be_right(self, fakes):
        account = register(fakes)
        with pytest.raises(WrongCurrentPassword) as refused:
            fakes.use_cases().change_password(
                user_id=account.id, current_password="wrong", new_password="a-new-long-secret"
            )
        assert refused.value.field == "current_password"
        assert kept(fakes, account).password_hash == f"plain${PASSWORD}"
        assert fakes.sessions.revoked == []

    def test_the_new_password_must_pass_the_policy(self, fakes):
        account = register(fakes)
        with pytest.raises(WeakPassword) as refused:
            fakes.use_cases().change_password(
                user_id=account.id, current_password=PASSWORD, new_password="short"
            )
        assert refused.value.field == "new_password"
        assert kept(fakes, account).password_hash == f"plain${PASSWORD}"


class TestDeactivateAccount:
    def test_closes_the_account_and_revokes_its_sessions(self, fakes):
        account = register(fakes)
        fakes.use_cases().deactivate_account(user_id=account.id)
        assert not kept(fakes, account).is_active
        assert fakes.sessions.revoked == [account.id]


class TestSignOut:
    def test_ends_the_callers_session_once(self, fakes):
        account = register(fakes)
        token = f"{account.id}:session-1"

        fakes.use_cases().sign_out(user_id=account.id, refresh_token=token)

        assert fakes.sessions.revoked_tokens == [token]
        with pytest.raises(InvalidInput) as refused:
            fakes.use_cases().sign_out(user_id=account.id, refresh_token=token)
        assert refused.value.field == "refresh"

    def test_refuses_another_accounts_session_and_leaves_it_alone(self, fakes):
        ann, bob = register(fakes), register(fakes, "bob@example.com")
        with pytest.raises(PermissionDenied):
            fakes.use_cases().sign_out(user_id=ann.id, refresh_token=f"{bob.id}:session")
        assert fakes.sessions.revoked_tokens == []


class TestChangeStaffStatus:
    def test_grants_and_withdraws_staff_rights(self, fakes):
        account = register(fakes)
        assert fakes.use_cases().change_staff_status(user_id=account.id, is_staff=True).is_staff
        assert kept(fakes, account).is_staff
        fakes.use_cases().change_staff_status(user_id=account.id, is_staff=False)
        assert not kept(fakes, account).is_staff


class TestRequestPasswordReset:
    def test_issues_a_token_and_announces_it_with_the_raw_secret(self, fakes):
        account = register(fakes)
        fakes.use_cases().request_password_reset(email=" ANN@example.com")

        [reset] = fakes.resets.rows.values()
        assert reset.token_digest == digest_reset_token(reset_token(fakes))
        assert reset.user_id == account.id
        assert reset.expires_at == fakes.clock() + IdentityFakes.RESET_VALID_FOR
        assert reset.used_at is None
        [registered, requested] = fakes.uow.published
        assert requested.event == PasswordResetRequested(
            user_id=account.id, email="ann@example.com", reset_token=reset_token(fakes)
        )
        assert (registered.sequence, requested.sequence) == (1, 2), "the account's versions"
        assert len(reset_token(fakes)) >= 43, "256 random bits, URL-safe"

    @pytest.mark.parametrize("email", ["nobody@example.com", "not an email", ""])
    def test_an_unknown_or_malformed_address_does_nothing(self, fakes, email):
        register(fakes)
        fakes.use_cases().request_password_reset(email=email)
        assert fakes.resets.rows == {}
        assert [type(event) for event in fakes.uow.events] == [UserRegistered]

    def test_a_deactivated_account_gets_nothing(self, fakes):
        account = register(fakes)
        fakes.use_cases().deactivate_account(user_id=account.id)
        fakes.use_cases().request_password_reset(email="ann@example.com")
        assert fakes.resets.rows == {}
        assert not any(isinstance(e, PasswordResetRequested) for e in fakes.uow.events)


class TestConfirmPasswordReset:
    @pytest.fixture
    def account(self, fakes) -> Account:
        account = register(fakes)
        fakes.use_cases().request_password_reset(email="ann@example.com")
        return account

    def test_sets_the_new_password_spends_the_token_and_signs_out(self, fakes, account):
        fakes.clock.advance(minutes=10)
        fakes.use_cases().confirm_password_reset(
            token=reset_token(fakes), password="brand-new-pass"
        )

        assert kept(fakes, account).password_hash == "plain$brand-new-pass"
        [reset] = fakes.resets.rows.values()
        assert reset.used_at == fakes.clock()
        assert fakes.sessions.revoked == [account.id]

    def test_a_token_works_once(self, fakes, account):
        fakes.use_cases().confirm_password_reset(
            token=reset_token(fakes), password="brand-new-pass"
        )
        with pytest.raises(ResetTokenAlreadyUsed):
            fakes.use_cases().confirm_password_reset(
                token=reset_token(fakes), password="other-pass-1"
            )
        assert kept(fakes, account).password_hash == "plain$brand-new-pass"

    def test_an_expired_token_is_refused(self, fakes, account):
        fakes.clock.advance(minutes=60)
        with pytest.raises(ResetTokenExpired):
            fakes.use_cases().confirm_password_reset(
                token=reset_token(fakes), password="brand-new-pass"
            )
        assert kept(fakes, account).password_hash == f"plain${PASSWORD}"
        assert fakes.sessions.revoked == []

    def test_an_unknown_token_is_refused(self, fakes, account):
        with pytest.raises(ResetTokenInvalid):
            fakes.use_cases().confirm_password_reset(token="guessed", password="brand-new-pass")

    def test_a_weak_password_keeps_the_token_usable(self, fakes, account):
        with pytest.raises(WeakPassword):
            fakes.use_cases().confirm_password_reset(token=reset_token(fakes), password="short")
        [reset] = fakes.resets.rows.values()
        assert reset.used_at is None
        fakes.use_cases().confirm_password_reset(
            token=reset_token(fakes), password="brand-new-pass"
        )
        assert kept(fakes, account).password_hash == "plain$brand-new-pass"


class TestTheUnitOfWork:
    def test_a_use_case_failing_after_save_leaves_nothing(self, fakes):
        account = register(fakes)
        fakes.sessions.revoke_all = _raise_boom  # fails after the account was saved

        with pytest.raises(Boom):
            fakes.use_cases().deactivate_account(user_id=account.id)

        assert kept(fakes, account).is_active
        assert kept(fakes, account).version == 1
        assert fakes.uow.rollbacks == 1

    def test_a_change_saved_over_a_newer_version_is_stale_and_changes_nothing(self, fakes):
        account = register(fakes)
        loaded_before = fakes.accounts.get(account.id)
        fakes.use_cases().change_staff_status(user_id=account.id, is_staff=True)

        loaded_before.revoke_staff()
        with pytest.raises(StaleAggregate), fakes.uow:
            fakes.accounts.save(loaded_before)

        assert kept(fakes, account).is_staff
        assert kept(fakes, account).version == 2

    def test_every_change_is_a_version_and_events_carry_it(self, fakes):
        account = register(fakes)
        fakes.use_cases().change_profile(user_id=account.id, full_name="Ann B. Lee")
        fakes.use_cases().request_password_reset(email="ann@example.com")

        assert [p.sequence for p in fakes.uow.published] == [1, 3]
        assert kept(fakes, account).version == 3


class Boom(Exception):
    pass


def _raise_boom(*args: object) -> None:
    raise Boom


class TestAskForPasswordReset:
    """The request's half of a reset (ADR 0019): the same work whoever asks."""

    @pytest.mark.parametrize("email", ["ann@example.com", "nobody@example.com", "inactive@x.io"])
    def test_notes_the_ask_and_nothing_else_for_any_address(
        self, fakes: IdentityFakes, email: str
    ) -> None:
        register(fakes)
        fakes.use_cases().deactivate_account(user_id=register(fakes, "inactive@x.io").id)
        fakes.uow.published.clear()
        stored_before = dict(fakes.accounts.rows)

        fakes.use_cases().ask_for_password_reset(email=email)

        [asked] = fakes.uow.published
        assert asked.event == PasswordResetAsked(email=email)
        assert uuid.UUID(asked.aggregate_id)  # each ask its own id, naming no account
        assert asked.aggregate_id not in fakes.accounts.rows
        assert fakes.accounts.rows == stored_before  # the very objects: nothing saved
        assert all(fakes.accounts.rows[key] is row for key, row in stored_before.items())
        assert fakes.resets.all() == []

    def test_each_ask_is_its_own(self, fakes: IdentityFakes) -> None:
        for _ in range(2):
            fakes.use_cases().ask_for_password_reset(email="ann@example.com")

        first, second = fakes.uow.published
        assert first.aggregate_id != second.aggregate_id
