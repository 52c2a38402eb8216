"""Identity's repositories, facade and the database's own guarantees."""

import threading
import uuid
from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction

from contexts.identity.application.services import identity_use_cases
from contexts.identity.contracts import CustomerContact, identity_facade
from contexts.identity.domain.account import Account, FullName, UserId
from contexts.identity.domain.email import EmailAddress
from contexts.identity.domain.errors import EmailAlreadyRegistered
from contexts.identity.infrastructure.repositories import DjangoAccountRepository
from contexts.identity.models import User
from shared_kernel.domain.aggregate import StaleAggregate
from tests.identity.mailbox import MAILBOX
from tests.support.factories import UserFactory

PASSWORD = "correct-horse-battery"


def a_new_account(email: str) -> Account:
    return Account.register(
        id=UserId.new(),
        email=EmailAddress(email),
        full_name=FullName("Ann"),
        password_hash="argon2$fake",
        joined_at=datetime.now(UTC),
    )


@pytest.mark.django_db
class TestAccountRepository:
    def test_round_trips_an_account(self):
        repository = DjangoAccountRepository()
        account = a_new_account("ann@example.com")
        repository.add(account)

        loaded = repository.get(account.id)

        assert loaded.email == account.email
        assert loaded.full_name == "Ann"
        assert loaded.password_hash == "argon2$fake"
        assert loaded.is_active
        assert not loaded.is_staff

    def test_finds_an_account_by_email_in_any_case(self, user):
        found = DjangoAccountRepository().find_by_email(EmailAddress("ANN@example.com"))
        assert found is not None
        assert found.id == user.pk

    def test_the_unique_index_refuses_an_email_in_another_case_past_the_existence_check(self, user):
        """What a concurrent registration meets: the check passed, the insert must not."""
        with pytest.raises(EmailAlreadyRegistered):
            DjangoAccountRepository().add(a_new_account("ANN@example.com"))
        assert User.objects.count() == 1

    def test_another_integrity_error_is_not_taken_for_a_taken_email(self, user):
        """Only the email's unique constraints mean "already registered"."""
        twin = a_new_account("someone.else@example.com")
        twin.id = UserId(user.pk)  # a primary key that exists

        with pytest.raises(IntegrityError):
            DjangoAccountRepository().add(twin)

    def test_a_save_over_a_newer_version_is_stale_and_writes_nothing(self, user):
        repository = DjangoAccountRepository()
        customers_copy, staffs_copy = (
            repository.get(UserId(user.pk)),
            repository.get(UserId(user.pk)),
        )
        staffs_copy.deactivate()
        repository.save(staffs_copy)

        customers_copy.change_profile(full_name=FullName("Ann Again"))
        with pytest.raises(StaleAggregate):
            repository.save(customers_copy)

        user.refresh_from_db()
        assert (user.is_active, user.full_name, user.version) == (False, "Ann Lee", 2)

    def test_the_database_refuses_the_same_email_in_another_case_whoever_writes(self, user):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.bulk_create([User(email="ANN@EXAMPLE.COM")])


@pytest.mark.django_db
class TestFacade:
    def test_gives_a_customers_contact_details(self, user):
        assert identity_facade().contact_of(user.pk) == CustomerContact(
            id=user.pk, email="ann@example.com", full_name="Ann Lee"
        )

    def test_an_unknown_id_has_no_contact(self):
        assert identity_facade().contact_of(uuid.uuid4()) is None

    def test_finds_a_user_id_by_email_in_any_case(self, user):
        assert identity_facade().user_id_by_email(" Ann@EXAMPLE.com ") == user.pk
        assert identity_facade().user_id_by_email("nobody@example.com") is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_one_email_in_two_cases_make_one_account():
    """Both pass the existence check; PostgreSQL's unique index on lower(email) lets one
    insert commit and turns the other into a 409-worthy EmailAlreadyRegistered."""
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def register(email: str) -> None:
        try:
            start.wait()
            identity_use_cases().register_user(email=email, password=PASSWORD)
            outcomes.append("registered")
        except EmailAlreadyRegistered:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=register, args=(email,))
        for email in ("race@example.com", "RACE@Example.com")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["conflict", "registered"]
    assert User.objects.filter(email="race@example.com").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_reset_token_confirmed_twice_at_once_is_spent_once():
    """The reset row is locked for the confirming transaction (SELECT … FOR UPDATE)."""
    UserFactory(email="ann@example.com")
    identity_use_cases().request_password_reset(email="ann@example.com")
    token = MAILBOX.token_for("ann@example.com")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm(password: str) -> None:
        try:
            start.wait()
            identity_use_cases().confirm_password_reset(token=token, password=password)
            outcomes.append("changed")
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=confirm, args=(pw,))
        for pw in ("first-new-secret", "second-new-secret")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["ResetTokenAlreadyUsed", "changed"]
