"""Identity's domain rules: plain pytest, no database, no Django."""

from datetime import UTC, datetime, timedelta

import pytest

from contexts.identity.domain.account import Account, FullName, UserId
from contexts.identity.domain.email import EmailAddress
from contexts.identity.domain.errors import (
    AccountInactive,
    InvalidEmailAddress,
    InvalidFullName,
    ResetTokenAlreadyUsed,
    ResetTokenExpired,
)
from contexts.identity.domain.password_reset import (
    PasswordReset,
    PasswordResetId,
    digest_reset_token,
)
from shared_kernel.domain.errors import RuleViolated

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def an_account(**overrides: object) -> Account:
    account = Account.register(
        id=UserId.new(),
        email=EmailAddress("ann@example.com"),
        full_name=FullName("Ann Lee"),
        password_hash="hash-1",
        joined_at=NOW,
    )
    for name, value in overrides.items():
        setattr(account, f"_{name}", value)
    return account


class TestEmailAddress:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("ann@example.com", "ann@example.com"),
            ("  Ann.Lee@Example.COM \n", "ann.lee@example.com"),
            ("ANN+shop@sub.example.co.uk", "ann+shop@sub.example.co.uk"),
        ],
    )
    def test_is_trimmed_and_lower_cased_whole(self, raw, expected):
        assert EmailAddress(raw).value == expected
        assert str(EmailAddress(raw)) == expected

    def test_addresses_differing_only_in_case_are_equal(self):
        assert EmailAddress("Ann@Example.com") == EmailAddress("ann@example.COM")

    @pytest.mark.parametrize(
        "raw",
        [
            "",
            "   ",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "ann@@example.com",
            "ann@exa mple.com",
            "ann lee@example.com",
            ".ann@example.com",
            "ann..lee@example.com",
            "ann@-example.com",
            "ann@example.123",
            "anné@example.com",
            "a" * 65 + "@example.com",
            "ann@" + "a" * 250 + ".com",
        ],
    )
    def test_invalid_input_is_refused(self, raw):
        with pytest.raises(InvalidEmailAddress) as refused:
            EmailAddress(raw)
        assert refused.value.field == "email"
        assert isinstance(refused.value, RuleViolated)

    def test_non_text_is_refused(self):
        with pytest.raises(InvalidEmailAddress):
            EmailAddress(None)

    def test_knows_its_domain(self):
        assert EmailAddress("ann@Shop.example").domain == "shop.example"


class TestFullName:
    def test_inner_and_outer_whitespace_is_collapsed(self):
        assert FullName("  Ann   Lee ").value == "Ann Lee"

    def test_may_be_empty(self):
        assert FullName("").value == ""

    def test_longer_than_200_characters_is_refused(self):
        FullName("x" * 200)
        with pytest.raises(InvalidFullName) as refused:
            FullName("x" * 201)
        assert refused.value.field == "full_name"


class TestAccount:
    def test_a_registered_account_is_an_active_customer(self):
        account = an_account()
        assert account.is_active
        assert not account.is_staff
        assert account.date_joined == NOW

    def test_the_owner_changes_the_full_name(self):
        account = an_account()
        account.change_profile(full_name=FullName("Ann B. Lee"))
        assert account.full_name == "Ann B. Lee"

    def test_a_new_password_replaces_the_old_hash(self):
        account = an_account()
        account.change_password(new_password_hash="hash-2")
        assert account.password_hash == "hash-2"

    def test_deactivating_twice_changes_nothing_more(self):
        account = an_account()
        account.deactivate()
        account.deactivate()
        assert not account.is_active

    @pytest.mark.parametrize(
        "change",
        [
            lambda a: a.change_profile(full_name=FullName("New")),
            lambda a: a.change_password(new_password_hash="hash-2"),
            lambda a: a.grant_staff(),
        ],
        ids=["profile", "password", "staff"],
    )
    def test_a_deactivated_account_cannot_be_changed(self, change):
        account = an_account()
        account.deactivate()
        with pytest.raises(AccountInactive):
            change(account)
        assert account.full_name == "Ann Lee"
        assert account.password_hash == "hash-1"
        assert not account.is_staff

    def test_staff_rights_are_granted_and_withdrawn(self):
        account = an_account()
        account.grant_staff()
        assert account.is_staff
        account.revoke_staff()
        assert not account.is_staff

    def test_withdrawing_staff_rights_works_on_a_deactivated_account(self):
        account = an_account(is_staff=True)
        account.deactivate()
        account.revoke_staff()
        assert not account.is_staff


class TestAuthVersion:
    """What ends every session of the account moves its auth version on (ADR 0018)."""

    def test_a_new_account_starts_at_one(self):
        assert an_account().auth_version == 1

    def test_a_new_password_moves_it_on(self):
        account = an_account()
        account.change_password(new_password_hash="hash-2")
        account.change_password(new_password_hash="hash-3")
        assert account.auth_version == 3

    def test_deactivation_moves_it_on_once(self):
        account = an_account()
        account.deactivate()
        account.deactivate()
        assert account.auth_version == 2

    def test_profile_and_staff_changes_leave_it(self):
        account = an_account()
        account.change_profile(full_name=FullName("Ann B. Lee"))
        account.grant_staff()
        account.revoke_staff()
        account.request_password_reset(raw_token="t" * 43)
        assert account.auth_version == 1

    def test_a_refused_password_change_leaves_it(self):
        account = an_account()
        account.deactivate()
        with pytest.raises(AccountInactive):
            account.change_password(new_password_hash="hash-2")
        assert account.auth_version == 2


class TestPasswordReset:
    def issue(self, account: Account | None = None) -> PasswordReset:
        return PasswordReset.issue(
            id=PasswordResetId.new(),
            account=account or an_account(),
            raw_token="raw-secret",
            now=NOW,
            valid_for=timedelta(minutes=60),
        )

    def test_keeps_only_a_digest_of_the_token(self):
        reset = self.issue()
        assert reset.token_digest == digest_reset_token("raw-secret")
        assert "raw-secret" not in reset.token_digest
        assert len(reset.token_digest) == 64

    def test_expires_after_its_validity(self):
        reset = self.issue()
        assert reset.expires_at == NOW + timedelta(minutes=60)
        assert not reset.is_expired(now=NOW + timedelta(minutes=59, seconds=59))
        assert reset.is_expired(now=NOW + timedelta(minutes=60))

    def test_is_spent_once(self):
        reset = self.issue()
        reset.redeem(now=NOW + timedelta(minutes=5))
        assert reset.used_at == NOW + timedelta(minutes=5)
        with pytest.raises(ResetTokenAlreadyUsed):
            reset.redeem(now=NOW + timedelta(minutes=6))
        assert reset.used_at == NOW + timedelta(minutes=5)

    def test_an_expired_token_cannot_be_spent(self):
        reset = self.issue()
        with pytest.raises(ResetTokenExpired) as refused:
            reset.redeem(now=NOW + timedelta(minutes=61))
        assert "expired" in refused.value.detail
        assert reset.used_at is None

    def test_a_deactivated_account_gets_no_reset(self):
        account = an_account()
        account.deactivate()
        with pytest.raises(AccountInactive):
            self.issue(account)
