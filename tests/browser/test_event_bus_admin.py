"""The event bus in the back-office, in a real browser: events written by the API show up in
the outbox list, and a secret in a payload (the password reset token) never does, neither
in plain text nor sealed."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from contexts.identity.models import User
from shared_kernel.messaging.models import OutboxEvent
from shared_kernel.messaging.serialization import MASK
from shared_kernel.messaging.testing import eager_delivery
from tests.browser.helpers import LiveApi, sign_in
from tests.identity.mailbox import Mailbox, subscribed
from tests.support.factories import DEFAULT_PASSWORD, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EVENTS = "/admin/messaging/outboxevent/"


@pytest.fixture
def reset_mailbox() -> Iterator[Mailbox]:
    """A stand-in for the reset email (tests/identity/mailbox.py): the token's one reader."""
    with subscribed() as mailbox:
        yield mailbox


def test_the_outbox_shows_the_events_and_masks_the_reset_token(
    page: Page, api: LiveApi, reset_mailbox: Mailbox
) -> None:
    boss = StaffFactory.create(email="boss@example.com", is_superuser=True)
    status, body = api.post(
        "auth/register",
        {"email": "Dana@Example.com", "password": "a-long-new-secret", "full_name": "Dana"},
    )
    assert status == 201, body
    with eager_delivery():  # subscribers run as a worker would, right after each commit
        status, body = api.post("auth/password-reset", {"email": "dana@example.com"})
    assert status == 202, body
    raw_token = reset_mailbox.token_for("dana@example.com")  # delivered: now scrubbed

    dana = User.objects.get(email="dana@example.com")
    registered = OutboxEvent.objects.get(event_type="UserRegistered")
    reset = OutboxEvent.objects.get(event_type="PasswordResetRequested")
    assert registered.aggregate_id == reset.aggregate_id == str(dana.pk)
    assert len(raw_token) >= 20
    sealed = reset_mailbox.to("dana@example.com").stored_payload["reset_token"]["$sealed"]

    sign_in(page, boss.email, DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.locator("#content-main").get_by_role("link", name="Outbox events").click()
    expect(page).to_have_url(re.compile(rf"{EVENTS}$"))
    rows = page.locator("#result_list tbody tr")
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
    assert sealed not in page.content()

    # The subscriber got the token whole; the outbox kept it sealed, then scrubbed it.
    reset.refresh_from_db()
    assert set(reset.payload["reset_token"]) == {"$scrubbed"}
