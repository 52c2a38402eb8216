"""The accounts back-office: listed, searched, filtered; changes go through the use cases."""

import pytest
from django.test import Client
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from contexts.identity.models import User
from shared_kernel.messaging.models import OutboxEvent
from tests.support.factories import StaffFactory, UserFactory

LIST = "/admin/identity/user/"
ADD = "/admin/identity/user/add/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.force_login(StaffFactory.create(email="boss@example.com", is_superuser=True))
    return client


def listed_emails(response) -> set[str]:
    return {user.email for user in response.context["cl"].result_list}


def test_lists_searches_and_filters_accounts(staff_client):
    UserFactory(email="ann@example.com", full_name="Ann Lee")
    UserFactory(email="bob@example.com", full_name="Bob Stone", is_active=False)

    assert listed_emails(staff_client.get(LIST)) == {
        "ann@example.com",
        "bob@example.com",
        "boss@example.com",
    }
    assert listed_emails(staff_client.get(LIST, {"q": "stone"})) == {"bob@example.com"}
    assert listed_emails(staff_client.get(LIST, {"q": "ann@"})) == {"ann@example.com"}
    assert listed_emails(staff_client.get(LIST, {"is_active__exact": "0"})) == {"bob@example.com"}
    assert listed_emails(staff_client.get(LIST, {"is_staff__exact": "1"})) == {"boss@example.com"}


def test_the_change_page_never_shows_the_password(staff_client):
    user = UserFactory(email="ann@example.com")
    page = staff_client.get(f"/admin/identity/user/{user.pk}/change/").content.decode()
    assert "argon2" not in page
    assert user.password not in page
    assert 'name="password"' not in page


def test_deactivating_goes_through_the_use_case(staff_client):
    ann = UserFactory(email="ann@example.com")
    session = RefreshToken.for_user(ann)

    response = staff_client.post(
        LIST, {"action": "deactivate_accounts", "_selected_action": [str(ann.pk)]}
    )

    assert response.status_code == 302
    ann.refresh_from_db()
    assert not ann.is_active
    assert BlacklistedToken.objects.filter(token__jti=session["jti"]).exists()


def test_the_add_form_registers_through_the_use_case(staff_client):
    response = staff_client.post(
        ADD,
        {
            "email": " New@Example.com",
            "full_name": "New Person",
            "password1": "a-long-new-secret",
            "password2": "a-long-new-secret",
        },
    )

    assert response.status_code == 302, response.content
    created = User.objects.get(email="new@example.com")
    assert created.check_password("a-long-new-secret")
    assert created.password.startswith("argon2")
    assert OutboxEvent.objects.filter(event_type="UserRegistered").count() == 1


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"email": "ANN@example.com"}, "already exists"),
        ({"password1": "12345678", "password2": "12345678"}, "too common"),
        ({"password2": "something-else-entirely"}, "differ"),
    ],
)
def test_the_add_form_refuses_what_the_use_case_would(staff_client, fields, error):
    UserFactory(email="ann@example.com")
    data = {"email": "new@example.com", "password1": "a-long-new-secret"}
    data["password2"] = data["password1"]
    data.update(fields)

    response = staff_client.post(ADD, data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert User.objects.count() == 2


def test_the_change_form_edits_name_and_staff_through_the_use_cases(staff_client):
    ann = UserFactory(email="ann@example.com", full_name="Ann")

    response = staff_client.post(
        f"/admin/identity/user/{ann.pk}/change/",
        {"full_name": "Ann  Lee", "is_staff": "on", "email": "evil@example.com"},
    )

    assert response.status_code == 302, response.content
    ann.refresh_from_db()
    assert ann.full_name == "Ann Lee"
    assert ann.is_staff
    assert ann.email == "ann@example.com"


def test_accounts_cannot_be_deleted(staff_client):
    ann = UserFactory(email="ann@example.com")
    assert staff_client.get(f"/admin/identity/user/{ann.pk}/delete/").status_code == 403


def test_staff_rights_of_a_deactivated_account_can_still_be_withdrawn(staff_client):
    """Only changed fields go to their use case: a deactivated account refuses a profile
    change, and an untouched name must not block revoking its staff rights."""
    gone = StaffFactory(email="gone@example.com", full_name="Gone", is_active=False)

    response = staff_client.post(f"/admin/identity/user/{gone.pk}/change/", {"full_name": "Gone"})

    assert response.status_code == 302, response.content
    gone.refresh_from_db()
    assert not gone.is_staff
    assert gone.full_name == "Gone"


def test_renaming_a_deactivated_account_is_refused_on_the_form_keeping_what_staff_typed(
    staff_client,
):
    gone = UserFactory(email="gone@example.com", full_name="Gone", is_active=False)
    change_page = f"/admin/identity/user/{gone.pk}/change/"

    response = staff_client.post(change_page, {"full_name": "Back Again", "is_staff": "on"})

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "deactivated" in " ".join(form.non_field_errors()).lower()
    assert form["full_name"].value() == "Back Again"
    assert form["is_staff"].value() is True
    assert 'value="Back Again"' in response.content.decode()
    gone.refresh_from_db()
    assert (gone.full_name, gone.is_staff) == ("Gone", False), "all or nothing"
