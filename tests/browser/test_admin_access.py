"""The back-office is for staff: a customer, even one holding a session, is sent to the
sign-in page, in a real browser."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from contexts.identity.models import User
from tests.browser.helpers import sign_in
from tests.support.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def customer() -> User:
    return UserFactory.create(email="ann@example.com", full_name="Ann Lee")


def test_a_customer_cannot_sign_in_to_the_admin(page: Page, customer: User) -> None:
    sign_in(page, customer.email, DEFAULT_PASSWORD)

    expect(page).to_have_url(re.compile(r"/admin/login/$"))
    expect(page.locator(".errornote")).to_contain_text("for a staff account")
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))

    customer.refresh_from_db()
    assert customer.last_login is None  # never signed in
    assert not customer.is_staff


def test_a_customer_session_is_sent_back_to_the_sign_in_page(
    page: Page, live_server: LiveServer, customer: User
) -> None:
    client = Client()
    client.force_login(customer)  # a session as any other door of the site could open one
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )

    for path in ("/admin/", "/admin/identity/user/", "/admin/messaging/outboxevent/"):
        page.goto(path)
        expect(page).to_have_url(re.compile(rf"/admin/login/\?next={re.escape(path)}$"))
        expect(page.locator("#content")).to_contain_text(
            "You are authenticated as ann@example.com, but are not authorized to access this page"
        )
        expect(page.locator("#result_list")).to_have_count(0)

    customer.refresh_from_db()
    assert customer.is_active
    assert not customer.is_staff
