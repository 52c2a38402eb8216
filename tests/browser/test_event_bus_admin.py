"""The event bus in the back-office, in a real browser: events written by the API show up in
the outbox list, and a secret in a payload (the password reset token) never does."""

import re

import pytest
from playwright.sync_api import Page, expect

from contexts.identity.models import User
from shared_kernel.messaging.models import OutboxEvent
from shared_kernel.messaging.serialization import MASK
from tests.browser.helpers import LiveApi, sign_in
from tests.support.factories import DEFAULT_PASSWORD, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EVENTS = "/admin/messaging/outboxevent/"


def test_the_outbox_shows_the_events_and_masks_the_reset_token(page: Page, api: LiveApi) -> None:
    boss = StaffFactory.create(email="boss@example.com", is_superuser=True)
    status, body = api.post(
        "auth/register",
        {"email": "Dana@Example.com", "password": "a-long-new-secret", "full_name": "Dana"},
    )
    assert status == 201, body
    status, body = api.post("auth/password-reset", {"email": "dana@example.com"})
    assert status == 202, body

    dana = User.objects.get(email="dana@example.com")
    registered = OutboxEvent.objects.get(event_type="UserRegistered")
    reset = OutboxEvent.objects.get(event_type="PasswordResetRequested")
    assert registered.aggregate_id == reset.aggregate_id == str(dana.pk)
    raw_token = reset.payload["reset_token"]
    assert isinstance(raw_token, str)
    assert len(raw_token) >= 20

    sign_in(page, boss.email, DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.locator("#content-main").get_by_role("link", name="Outbox events").click()
    expect(page).to_have_url(re.compile(rf"{EVENTS}$"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    for event_type in ("UserRegistered", "PasswordResetRequested"):
        row = rows.filter(has_text=event_type)
        expect(row).to_have_count(1)
        expect(row.locator("td.field-aggregate_id")).to_have_text(str(dana.pk))
        expect(row.locator("td.field-publisher")).to_have_text("identity")
    assert raw_token not in page.content()

    with page.expect_navigation():
        rows.filter(has_text="PasswordResetRequested").locator("th a").click()
    expect(page).to_have_url(re.compile(rf"{EVENTS}{reset.pk}/change/$"))
    payload = page.locator(".field-masked_payload pre")
    expect(payload).to_contain_text('"reset_token": "' + MASK + '"')
    expect(payload).to_contain_text('"email": "dana@example.com"')
    assert raw_token not in page.content()

    # Masking is for the eyes only: the relay still has the token to deliver.
    reset.refresh_from_db()
    assert reset.payload["reset_token"] == raw_token
    assert OutboxEvent.objects.count() == 2
