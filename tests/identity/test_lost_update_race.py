"""A customer editing their profile while staff change the same account in the admin.

`PATCH /api/v1/me` loads the account, changes its name and saves it; the admin's change
form (revoking staff rights) and its "deactivate" action do the same to other fields of
the same row. A save that writes the whole account from a snapshot read before the
admin's change committed puts the old `is_staff` / `is_active` back: a lost update that
silently restores a revoked right or reopens a closed account. The account is versioned
(ARCHITECTURE.md §2): such a save finds the row changed and is a 409, never a silent
overwrite and never a 500.

Everything goes through the real doors, over HTTP against the live server (the customer
signs in at `/api/v1/auth/token`, staff sign in at `/admin/login/`). Only PostgreSQL runs
the live server's requests truly in parallel.

The window is the customer's save reading the account before the admin's change commits
and writing after it. One PATCH per round, started with the admin's request, hit it in
about 1 round in 15 (revoke) and 2 in 15 (deactivate) on the unversioned save: the
admin's request does more work before it writes. So in each round, once a barrier lets
both sides go at once, the customer keeps saving (a client auto-saving a profile form,
from a few tabs) until the admin's answer is back; some save then straddles the admin's
write in about half the rounds, and every run of 15 rounds showed the lost update.
"""

import http.cookiejar
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from html.parser import HTMLParser
from typing import Any

import pytest
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from contexts.identity.models import User
from tests.support.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory

ROUNDS = 15
CUSTOMER_TABS = 3  # the customer's clients saving at once, each one save after another
MAX_SAVES_PER_TAB = 200  # a bound, should the admin's request hang
CHANGELIST = "/admin/identity/user/"
# How the admin shows staff an error: a message, or the form back with its error note.
ADMIN_ERRORS = re.compile(r'<li class="error"|class="errornote"|class="errorlist')
TIMEOUT = 30

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Answer:
    status: int
    url: str  # after redirects
    content_type: str
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


class Browser:
    """A client with its own cookies (session, CSRF, messages) that follows redirects."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        json_body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        data = None
        all_headers = dict(headers or {})
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            data = json.dumps(json_body).encode()
            all_headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            self.base_url + path, data=data, headers=all_headers, method=method
        )
        try:
            with self._opener.open(request, timeout=TIMEOUT) as response:
                return _answer(response.status, response.geturl(), response)
        except urllib.error.HTTPError as error:
            with error:
                return _answer(error.code, error.geturl(), error)


def _answer(status: int, url: str, response: Any) -> Answer:
    return Answer(
        status=status,
        url=urllib.parse.urlsplit(url).path,
        content_type=response.headers.get("Content-Type", ""),
        body=response.read().decode(),
    )


class _FormFields(HTMLParser):
    """What a browser submits from one form of a page: its text and hidden inputs (the
    CSRF token among them) and its ticked boxes."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.fields: dict[str, str] = {}
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self._inside = attributes.get("id") == self.form_id
        elif tag == "input" and self._inside and attributes.get("name"):
            name, kind = str(attributes["name"]), (attributes.get("type") or "text").lower()
            if kind in {"hidden", "text", "email"}:
                self.fields[name] = attributes.get("value") or ""
            elif kind == "checkbox" and "checked" in attributes:
                self.fields[name] = attributes.get("value") or "on"

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


def _form_fields(page: Answer, form_id: str) -> dict[str, str]:
    parser = _FormFields(form_id)
    parser.feed(page.body)
    assert "csrfmiddlewaretoken" in parser.fields, f"no form {form_id} on {page.url}"
    return parser.fields


@pytest.fixture
def unthrottled(settings: Settings) -> None:
    """Every client here is 127.0.0.1 and each round signs a new customer in: the auth
    limit (10/min per IP) must not answer 429."""
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": None}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


@pytest.fixture
def staff(live_server: LiveServer) -> Browser:
    """A superuser signed in to the admin through its login page."""
    boss = StaffFactory.create(email="boss@example.com", is_superuser=True)
    browser = Browser(live_server.url)
    login = browser.request("GET", "/admin/login/?next=/admin/")
    credentials = {"username": boss.email, "password": DEFAULT_PASSWORD}
    answer = browser.request(
        "POST",
        "/admin/login/?next=/admin/",
        form={**_form_fields(login, "login-form"), **credentials},
    )
    assert (answer.status, answer.url) == (200, "/admin/"), answer.body[:500]
    return browser


def _signed_in_customer(live_server: LiveServer, email: str) -> Callable[[str], Answer]:
    """The customer's token from the sign-in endpoint; returns a `PATCH /me` of a name."""
    browser = Browser(live_server.url)
    token = browser.request(
        "POST", "/api/v1/auth/token", json_body={"email": email, "password": DEFAULT_PASSWORD}
    )
    assert token.status == 200, token.body
    headers = {"Authorization": f"Bearer {token.json()['access']}"}

    def patch_full_name(full_name: str) -> Answer:
        return browser.request(
            "PATCH", "/api/v1/me", json_body={"full_name": full_name}, headers=headers
        )

    return patch_full_name


def _race(
    admin: Callable[[], Answer], patch_full_name: Callable[[str], Answer]
) -> tuple[Answer, list[Answer]]:
    """Start the admin's request and the customer's saves at once; the customer keeps
    saving until the admin's answer is back. Returns the admin's answer and every save's."""
    start = threading.Barrier(1 + CUSTOMER_TABS, timeout=TIMEOUT)
    admin_answered = threading.Event()

    def staff_side() -> Answer:
        start.wait()
        try:
            return admin()
        finally:
            admin_answered.set()

    def customer_side(tab: int) -> list[Answer]:
        start.wait()
        answers = []
        for save in range(MAX_SAVES_PER_TAB):
            answers.append(patch_full_name(f"Customer tab {tab} save {save}"))
            if admin_answered.is_set():
                break
        return answers

    with ThreadPoolExecutor(max_workers=1 + CUSTOMER_TABS) as pool:
        admin_future = pool.submit(staff_side)
        customer_futures = [pool.submit(customer_side, tab) for tab in range(CUSTOMER_TABS)]
        saves = [answer for future in customer_futures for answer in future.result()]
        return admin_future.result(), saves


def _check_saves(saves: list[Answer], allowed: set[int], round_: int) -> None:
    """Every save is a 200, or a problem+json with an allowed status; never a 500."""
    for save in saves:
        assert save.status == 200 or save.status in allowed, (round_, save)
        if save.status != 200:
            assert save.content_type.startswith("application/problem+json"), (round_, save)
            assert save.json()["status"] == save.status, (round_, save)


def test_a_profile_save_never_restores_revoked_staff_rights(
    live_server: LiveServer, unthrottled: None, staff: Browser
) -> None:
    revoked = 0
    for round_ in range(ROUNDS):
        account = StaffFactory.create(email=f"clerk{round_}@example.com", full_name="Clerk")
        patch_full_name = _signed_in_customer(live_server, account.email)
        change_page = f"{CHANGELIST}{account.pk}/change/"
        form = staff.request("GET", change_page)
        assert form.status == 200, form.body[:500]
        # The form as the page shows it (the name as it was), with "Staff status" unticked.
        unchecked_is_staff = _form_fields(form, "user_form")
        assert unchecked_is_staff.pop("is_staff") == "on"
        unchecked_is_staff["_save"] = "Save"

        admin_answer, saves = _race(
            partial(staff.request, "POST", change_page, form=unchecked_is_staff), patch_full_name
        )

        # The admin's answer: saved (back to the list), or refused with its reason (back
        # to the form, as when a use case refuses); never a server error.
        assert admin_answer.status == 200, (round_, admin_answer.status, admin_answer.body[:500])
        saved = admin_answer.url == CHANGELIST and "was changed successfully" in admin_answer.body
        refused = admin_answer.url == change_page and ADMIN_ERRORS.search(admin_answer.body)
        assert saved or refused, (round_, admin_answer.url, admin_answer.body[:500])
        _check_saves(saves, {409}, round_)
        stored = User.objects.get(pk=account.pk)
        if saved:
            revoked += 1
            assert not stored.is_staff, f"round {round_}: revoked staff rights came back"
        assert stored.is_active
    assert revoked > 0, "no revocation went through in any round: nothing was raced"


def test_a_profile_save_never_reopens_a_deactivated_account(
    live_server: LiveServer, unthrottled: None, staff: Browser
) -> None:
    deactivated = 0
    for round_ in range(ROUNDS):
        account = UserFactory.create(email=f"ann{round_}@example.com", full_name="Ann")
        patch_full_name = _signed_in_customer(live_server, account.email)
        changelist = staff.request("GET", CHANGELIST)
        assert changelist.status == 200, changelist.body[:500]
        action = {
            **_form_fields(changelist, "changelist-form"),
            "action": "deactivate_accounts",
            "_selected_action": str(account.pk),
            "index": "0",
        }

        admin_answer, saves = _race(
            partial(staff.request, "POST", CHANGELIST, form=action), patch_full_name
        )

        assert admin_answer.status == 200, (round_, admin_answer.status, admin_answer.body[:500])
        assert admin_answer.url == CHANGELIST, (round_, admin_answer.url)
        # Once deactivated, a save may also be refused as a 401 (the token's account is
        # inactive) or a 400 (the account is deactivated and cannot be changed).
        _check_saves(saves, {400, 401, 409}, round_)
        stored = User.objects.get(pk=account.pk)
        if "1 account(s) deactivated" in admin_answer.body:
            deactivated += 1
            assert not stored.is_active, f"round {round_}: the deactivated account is active"
        else:  # refused: staff are told why, never left believing it was done
            assert ADMIN_ERRORS.search(admin_answer.body), (round_, admin_answer.body[:500])
    assert deactivated > 0, "no deactivation went through in any round: nothing was raced"
