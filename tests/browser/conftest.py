"""Fixtures for the browser tests: the admin back-office driven in Debian's Chromium.

Every test here is marked `browser` and sits in the xdist group "browser", so that
`pytest -n auto --dist loadgroup` runs them all on one worker (one Chromium at a time).
Playwright drives the Chromium Debian installs at /usr/bin/chromium; it never downloads a
browser of its own. Without that binary the tests are skipped with the reason, unless
REQUIRE_SERVICES=1 (CI), which turns the skip into a failure (as `tests/conftest.py` does
for PostgreSQL and Redis).

The app is served by pytest-django's `live_server` (localhost, a random port), which
implies `transaction=True` database semantics: each test's rows are committed, so the
server's threads see them, and flushed afterwards.
"""

import ipaddress
import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from tests.browser.helpers import LiveApi

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}
MISSING_CHROMIUM = f"needs Debian's Chromium at {CHROMIUM}: apt-get install chromium"
# Long enough for a slow CI machine, short enough that a wrong selector fails fast.
TIMEOUT_MS = 15_000


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip (or, with REQUIRE_SERVICES=1, fail) a browser test when Chromium is missing."""
    if not item.get_closest_marker("browser") or CHROMIUM.exists():
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but this test {MISSING_CHROMIUM}", pytrace=False)
    pytest.skip(MISSING_CHROMIUM)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test module, closed (with Playwright's driver) afterwards.

    Playwright's sync API runs an asyncio event loop and, between its calls, marks it as
    running in this thread. Django then takes the test thread for async code and refuses
    the ORM there (`SynchronousOnlyOperation`): in the tests, in the factories and in
    pytest-django's flush of the database. DJANGO_ALLOW_ASYNC_UNSAFE=true, the usual
    workaround with Playwright and pytest-django, lifts that check. Nothing runs
    concurrently on that loop (the test thread is the only ORM user in it; the live server
    answers in threads of its own), so nothing unsafe happens. It is set only while
    Playwright runs, and restored afterwards, so the rest of the suite keeps the check.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh page (own cookies, so signed out) whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def api(live_server: LiveServer, settings: Settings) -> LiveApi:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    address = ipaddress.IPv4Address((10 << 24) + random.getrandbits(24))
    return LiveApi(base_url=live_server.url, client_ip=str(address))
