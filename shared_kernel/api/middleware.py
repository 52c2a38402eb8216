"""Django's own error pages under `/api/` become problem+json (ARCHITECTURE.md §5); the
browser-session middlewares run only for requests a browser session can be behind.

Problem details:

DRF's handler covers errors raised inside API views; this middleware covers what happens
outside them: an unknown URL (`/api/v1/nope`), a method a plain Django view refuses, a crash
Django turned into a 500 page. It works on responses, so it also replaces Django's DEBUG
technical pages, which would otherwise leak settings and tracebacks to API clients.

It sits first in `MIDDLEWARE` (after Prometheus' timer), outside the middlewares that read
the `Host` header: a disallowed host makes Django raise `DisallowedHost` in Security- or
CommonMiddleware and answer 400 there, a page this middleware must see to reshape. Its cost
on a request is one `startswith`; the rest runs only on an error answer under `/api/`.

Browser sessions (ADR 0022): Django's session, authentication and messages middlewares,
each subclassed to step aside for a request no browser session is behind: one without the
session cookie, outside the admin, that is either under `/api/` (a bearer token or nobody
is the caller) or a safe method (a probe, `/metrics`). Such a request never had a session,
a message or a signed-in session user to find, so skipping them changes no answer; it
saves what they cost every bearer-token call. The admin, a signed-in browser (the
browsable API, the API docs) and any unsafe request outside `/api/` keep all three, in
Django's order. Django's CSRF middleware stays as it is, for every request: the deploy
check (`security.W003`) looks for it by name, and it is cheap where it has nothing to do
(DRF's views are CSRF-exempt and check CSRF themselves for a session user). A request they
skip has no `request.session` and no message storage, and no `request.user` until DRF sets
the one it authenticated: a new plain Django view outside the admin that needs them on a
safe method must be reached with the session cookie, or be listed in
`serves_a_browser_session`.
"""

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from shared_kernel.api.problems import PROBLEM_CONTENT_TYPE, problem_for_status

API_PATH_PREFIX = "/api/"
PROBLEM_FIELDS = {"type", "title", "status", "detail"}


class ProblemDetailsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _is_unshaped_api_error(request, response):
            _rewrite_as_problem(request, response)
        return response


def _is_unshaped_api_error(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        request.path.startswith(API_PATH_PREFIX)
        and response.status_code >= 400
        and not response.streaming
        and not response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE)
    )


def _rewrite_as_problem(request: HttpRequest, response: HttpResponse) -> None:
    """Replace the body in place, so the status, `Allow` and other headers stay as they were.

    A JSON body that already is a problem (a stored answer replayed, say) keeps every field.
    """
    body = _json_body(response)
    if body is None or not PROBLEM_FIELDS.issubset(body):
        detail = _detail_of(request, response.status_code, body)
        response.content = json.dumps(problem_for_status(response.status_code, detail).as_dict())
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))


def _json_body(response: HttpResponse) -> dict[str, Any] | None:
    if not response.get("Content-Type", "").startswith("application/json"):
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _detail_of(request: HttpRequest, status: int, body: dict[str, Any] | None) -> str:
    """Keep a JSON body's own `detail`; Django's HTML pages say too much to be passed on."""
    if body is not None and isinstance(body.get("detail"), str):
        return str(body["detail"])
    if status == 404:
        return f"Nothing is found at {request.path}."
    if status == 405:
        return f"Method {request.method} is not allowed on {request.path}."
    if status == 400 and not _host_is_allowed(request):
        return "The Host header names a host this server does not serve."
    return ""


def _host_is_allowed(request: HttpRequest) -> bool:
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def serves_a_browser_session(request: HttpRequest) -> bool:
    """Whether a browser session can be behind this request (decided once per request)."""
    decided: bool | None = getattr(request, "_serves_a_browser_session", None)
    if decided is None:
        path = request.path
        admin = _admin_prefix(getattr(request, "urlconf", None) or settings.ROOT_URLCONF)
        decided = (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or (admin is not None and path.startswith(admin))
            or not (path.startswith(API_PATH_PREFIX) or request.method in SAFE_METHODS)
        )
        request._serves_a_browser_session = decided  # type: ignore[attr-defined]
    return decided


@lru_cache(maxsize=16)
def _admin_prefix(urlconf: Any) -> str | None:
    """Where the admin is in this URLconf, if it has one (some tests' have not)."""
    try:
        return reverse("admin:index", urlconf=urlconf)
    except NoReverseMatch:
        return None


class _ForBrowserSessions:
    """Put before a Django middleware (a `MiddlewareMixin`) in the bases."""

    get_response: Callable[[HttpRequest], Any]

    def __call__(self, request: HttpRequest) -> Any:
        if serves_a_browser_session(request):
            return super().__call__(request)  # type: ignore[misc]
        return self.get_response(request)


class SessionMiddleware(_ForBrowserSessions, sessions.SessionMiddleware):
    """Django's, for browser sessions only."""


class AuthenticationMiddleware(_ForBrowserSessions, auth.AuthenticationMiddleware):
    """Django's, for browser sessions only."""


class MessageMiddleware(_ForBrowserSessions, messages.MessageMiddleware):
    """Django's, for browser sessions only."""
