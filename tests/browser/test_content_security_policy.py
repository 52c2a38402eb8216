"""Every HTML page works under the Content-Security-Policy (issue #14, finding 6): the admin,
Swagger UI, ReDoc and the browsable API load and render in Chromium with no violation of
the policy reported, neither in the console nor as a `securitypolicyviolation` event.
"""

from collections.abc import Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from contexts.identity.models import User
from tests.browser.helpers import sign_in
from tests.support.factories import DEFAULT_PASSWORD, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Collects what the page's own CSP enforcement reports, before any of the page's scripts run.
LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


class Violations:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(LISTEN_FOR_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def seen(self) -> list[str]:
        # A page may navigate away while this runs (a redirect after sign-in): then it is empty.
        events: list[str] = self.page.evaluate("window.__cspViolations || []")
        return [*self.console, *events]


@pytest.fixture
def violations(page: Page) -> Iterator[Violations]:
    watcher = Violations(page)
    yield watcher
    seen = watcher.seen()
    assert not seen, "\n".join(seen)


@pytest.fixture
def staff() -> User:
    return StaffFactory.create(email="staff@example.com", is_superuser=True)


def visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, path
    policy = response.header_value("Content-Security-Policy")
    assert policy is not None
    assert "default-src 'none'" in policy
    page.wait_for_load_state("networkidle")


def test_the_admin_works_under_the_policy(page: Page, violations: Violations, staff: User) -> None:
    visit(page, "/admin/login/")
    sign_in(page, staff.email, DEFAULT_PASSWORD)
    expect(page.locator("#site-name")).to_be_visible()

    for path in (
        "/admin/",
        "/admin/identity/user/",
        f"/admin/identity/user/{staff.pk}/change/",
        "/admin/identity/user/add/",
        "/admin/messaging/outboxevent/",
    ):
        visit(page, path)
        seen = violations.seen()
        assert not seen, f"{path}: " + "\n".join(seen)
    # The changelist's JavaScript ran: its "select all" checkbox ticks every row.
    visit(page, "/admin/identity/user/")
    page.check("#action-toggle")
    expect(page.locator("input.action-select").first).to_be_checked()


def test_swagger_ui_renders_the_api_under_the_policy(page: Page, violations: Violations) -> None:
    visit(page, "/api/docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Emporium API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    page.locator(".opblock-summary").first.click()  # its script expands an operation
    expect(page.locator(".opblock-body").first).to_be_visible()


def test_redoc_renders_the_api_under_the_policy(page: Page, violations: Violations) -> None:
    visit(page, "/api/redoc/")

    expect(page.locator("h1")).to_contain_text("Emporium API")
    search = page.get_by_role("search")
    search.get_by_role("textbox").fill("password")  # ReDoc's search runs in its blob: worker
    expect(search.get_by_role("menuitem").first).to_contain_text("password")


def test_the_browsable_api_where_switched_on_works_under_the_policy(
    page: Page, violations: Violations, staff: User
) -> None:
    sign_in(page, staff.email, DEFAULT_PASSWORD)  # the session the browsable API uses

    visit(page, "/api/v1/me?format=api")

    expect(page.locator(".response-info")).to_contain_text(staff.email)
