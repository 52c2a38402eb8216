"""Staff at work on accounts in the back-office, in a real browser: sign in, find, deactivate,
look at and add accounts. Each test checks what the page shows and what the database holds."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from contexts.identity.models import User
from shared_kernel.messaging.models import OutboxEvent
from tests.browser.helpers import LiveApi, sign_in
from tests.support.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

USERS = "/admin/identity/user/"


@pytest.fixture
def boss() -> User:
    return StaffFactory.create(email="boss@example.com", full_name="Big Boss", is_superuser=True)


@pytest.fixture
def ann() -> User:
    return UserFactory.create(email="ann@example.com", full_name="Ann Lee")


@pytest.fixture
def bob() -> User:
    return UserFactory.create(email="bob@example.com", full_name="Bob Stone", is_active=False)


def listed_emails(page: Page) -> set[str]:
    """The emails in the change list's result table (the first column, a link)."""
    return set(page.locator("#result_list tbody th.field-email a").all_inner_texts())


def search(page: Page, text: str) -> None:
    page.fill("#searchbar", text)
    with page.expect_navigation():
        page.press("#searchbar", "Enter")


def choose_filter(page: Page, title: str, choice: str) -> None:
    """Click a choice ("Yes", "No", "All") of the sidebar filter titled `title`."""
    links = page.locator(f'#changelist-filter details[data-filter-title="{title}"] a')
    with page.expect_navigation():
        links.get_by_text(choice, exact=True).click()


def row_of(page: Page, email: str) -> Locator:
    """The change list's row for the account with this email."""
    return page.locator("#result_list tbody tr").filter(
        has=page.locator("th.field-email a", has_text=email)
    )


def test_staff_signs_in_then_searches_and_filters_the_accounts(
    page: Page, boss: User, ann: User, bob: User
) -> None:
    sign_in(page, boss.email, DEFAULT_PASSWORD)

    expect(page.locator("#site-name")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    with page.expect_navigation():
        page.locator("#content-main").get_by_role("link", name="Users", exact=True).click()
    expect(page).to_have_url(re.compile(rf"{USERS}$"))
    assert listed_emails(page) == {"boss@example.com", "ann@example.com", "bob@example.com"}
    expect(row_of(page, "ann@example.com").locator("td.field-full_name")).to_have_text("Ann Lee")

    search(page, "stone")  # by name, in any case
    assert listed_emails(page) == {"bob@example.com"}
    expect(page.locator(".paginator")).to_contain_text("1 user")

    search(page, "ann@")  # by email
    assert listed_emails(page) == {"ann@example.com"}

    search(page, "nobody-here")
    assert listed_emails(page) == set()
    expect(page.locator(".paginator")).to_contain_text("0 users")

    page.goto(USERS)
    choose_filter(page, "is staff", "Yes")
    assert listed_emails(page) == {"boss@example.com"}
    choose_filter(page, "is staff", "No")
    assert listed_emails(page) == {"ann@example.com", "bob@example.com"}
    choose_filter(page, "is active", "No")  # combined with "is staff: No"
    assert listed_emails(page) == {"bob@example.com"}
    choose_filter(page, "is staff", "All")
    choose_filter(page, "is active", "Yes")
    assert listed_emails(page) == {"boss@example.com", "ann@example.com"}

    # The page agrees with the database, and looking changed nothing but the sign-in time.
    assert set(User.objects.filter(is_active=True).values_list("email", flat=True)) == {
        "boss@example.com",
        "ann@example.com",
    }
    boss.refresh_from_db()
    assert boss.last_login is not None
    assert User.objects.count() == 3


def test_deactivating_a_customer_locks_her_out_of_the_api(
    page: Page, api: LiveApi, boss: User, ann: User
) -> None:
    carl = UserFactory.create(email="carl@example.com")
    status, tokens = api.post("auth/token", {"email": ann.email, "password": DEFAULT_PASSWORD})
    assert status == 200, tokens

    sign_in(page, boss.email, DEFAULT_PASSWORD)
    page.goto(USERS)
    row_of(page, "ann@example.com").locator("input.action-select").check()
    page.select_option("select[name=action]", "deactivate_accounts")
    with page.expect_navigation():
        page.get_by_role("button", name="Go").click()

    expect(page.locator("ul.messagelist li.success")).to_have_text("1 account(s) deactivated.")
    expect(row_of(page, "ann@example.com").locator("td.field-is_active img")).to_have_attribute(
        "alt", "False"
    )
    expect(row_of(page, "carl@example.com").locator("td.field-is_active img")).to_have_attribute(
        "alt", "True"
    )

    ann.refresh_from_db()
    carl.refresh_from_db()
    assert not ann.is_active
    assert carl.is_active  # only the selected account
    status, body = api.post("auth/token", {"email": ann.email, "password": DEFAULT_PASSWORD})
    assert status == 401, body
    status, body = api.post("auth/token/refresh", {"refresh": tokens["refresh"]})
    assert status == 401, body  # her sessions ended with the account
    status, _ = api.post("auth/token", {"email": carl.email, "password": DEFAULT_PASSWORD})
    assert status == 200


def test_the_change_page_never_shows_the_password_hash(page: Page, boss: User, ann: User) -> None:
    sign_in(page, boss.email, DEFAULT_PASSWORD)
    page.goto(USERS)
    with page.expect_navigation():
        row_of(page, "ann@example.com").locator("th.field-email a").click()

    expect(page.get_by_role("heading", name="ann@example.com")).to_be_visible()
    expect(page.locator(".field-email .readonly")).to_have_text("ann@example.com")
    expect(page.locator(".field-full_name input")).to_have_value("Ann Lee")
    html = page.content()
    assert "argon2" not in html
    assert ann.password not in html
    assert page.locator("input[name=password]").count() == 0

    ann.refresh_from_db()
    assert ann.password.startswith("argon2$")  # still there, just never shown
    assert ann.check_password(DEFAULT_PASSWORD)


def test_staff_adds_an_account_that_can_sign_in(page: Page, api: LiveApi, boss: User) -> None:
    sign_in(page, boss.email, DEFAULT_PASSWORD)
    page.goto(USERS)
    with page.expect_navigation():
        page.get_by_role("link", name="Add user").click()
    expect(page).to_have_url(re.compile(rf"{USERS}add/$"))

    page.fill("#id_email", "New.Person@Example.COM")
    page.fill("#id_full_name", "New Person")
    page.fill("#id_password1", "a-long-new-secret")
    page.fill("#id_password2", "a-long-new-secret")
    with page.expect_navigation():
        page.click("input[name=_save]")

    expect(page.locator("ul.messagelist li.success")).to_contain_text("was added successfully")
    expect(page).to_have_url(re.compile(rf"{USERS}$"))
    assert "new.person@example.com" in listed_emails(page)

    created = User.objects.get(email="new.person@example.com")  # normalized
    assert created.full_name == "New Person"
    assert created.is_active
    assert not created.is_staff
    assert created.check_password("a-long-new-secret")
    assert OutboxEvent.objects.filter(
        event_type="UserRegistered", aggregate_id=str(created.pk)
    ).exists()
    status, body = api.post(
        "auth/token", {"email": "New.Person@Example.COM", "password": "a-long-new-secret"}
    )
    assert status == 200, body
    assert body.keys() >= {"access", "refresh"}


def test_a_deactivated_staff_account_loses_its_back_office_rights(page: Page, boss: User) -> None:
    """Withdrawing staff rights from a closed account is allowed (the domain says so); other
    changes to it are refused on the form with the reason, what staff typed kept, and
    nothing is saved."""
    eve = StaffFactory.create(email="eve@example.com", full_name="Eve", is_active=False)
    sign_in(page, boss.email, DEFAULT_PASSWORD)
    change_page = f"{USERS}{eve.pk}/change/"

    page.goto(change_page)
    page.fill("#id_full_name", "Eve Renamed")
    with page.expect_navigation():
        page.click("input[name=_save]")
    expect(page.locator("ul.errorlist.nonfield li")).to_have_text(
        "This account is deactivated; it cannot be changed."
    )
    expect(page.locator("#id_full_name")).to_have_value("Eve Renamed")
    eve.refresh_from_db()
    assert eve.full_name == "Eve"

    page.goto(change_page)
    page.uncheck("#id_is_staff")
    with page.expect_navigation():
        page.click("input[name=_save]")
    expect(page.locator("ul.messagelist li.success")).to_contain_text("was changed successfully")
    expect(row_of(page, "eve@example.com").locator("td.field-is_staff img")).to_have_attribute(
        "alt", "False"
    )
    eve.refresh_from_db()
    assert not eve.is_staff
    assert not eve.is_active
    assert eve.full_name == "Eve"
