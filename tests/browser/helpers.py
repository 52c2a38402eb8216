"""What the browser tests share: signing in to the admin, and calls to the live API."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Page


def sign_in(page: Page, email: str, password: str) -> None:
    """Fill in and submit the admin's sign-in form."""
    page.goto("/admin/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("input[type=submit]")


@dataclass(frozen=True)
class LiveApi:
    """JSON calls to the live server's API over real HTTP (urllib), from a client IP of
    its own (X-Forwarded-For, trusted through NUM_PROXIES=1), so the per-IP auth throttle
    counts this test's calls only, whatever else ran from 127.0.0.1 within the minute."""

    base_url: str
    client_ip: str

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(
            f"{self.base_url}/api/v1/{path}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-Forwarded-For": self.client_ip},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, _json(response.read())
        except urllib.error.HTTPError as error:
            with error:
                return error.code, _json(error.read())


def _json(raw: bytes) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(raw) if raw else {}
    return body
