"""Sign-in lockout for every door that signs in, the API's token endpoint and the admin's form
alike (ARCHITECTURE.md §5, ADR 0015), on django-axes.

Axes' authentication backend (`AxesStandaloneBackend`, first in `AUTHENTICATION_BACKENDS`)
refuses a locked sign-in inside `django.contrib.auth.authenticate`, before any password is
checked, so the right password is refused too; every failed sign-in is recorded in the
database (axes' `AccessAttempt`). Here is what axes is told to do:

- **per account**: `LOCKOUT_FAILURES_PER_ACCOUNT` failures for one email address, from any
  addresses, lock that account's sign-in; the email is normalised as sign-in matches it
  (trimmed, lower-cased), so `ANN@example.com` and `ann@example.com` count as one;
- **per client IP**: `LOCKOUT_FAILURES_PER_IP` failures from one address, for any accounts,
  lock sign-in from that address (password spraying); the address is the throttles' own
  (`shared_kernel.api.throttling.client_ip`: `X-Forwarded-For` only through `NUM_PROXIES`);
- the lock lasts `LOCKOUT_COOL_OFF_MINUTES` after the failures that caused it; refused
  attempts during the lock neither prolong it nor are written down;
- a successful sign-in does not wipe the failures: it would let anyone with an account
  clear their address's count;
- the answer (`lockout_response`, by axes' middleware): 429 problem+json with `Retry-After`
  on the API; on the admin the sign-in form with a clear message (`SignInForm`), 429 and
  `Retry-After`;
- each lockout is logged (`sign_in_locked_out`, with the account's id, never the typed
  email) and counted in `emporium_sign_in_lockouts_total{door,scope}`; refused attempts
  in `emporium_sign_in_refused_locked_total{door}`;
- staff release an account from the user admin (`release_account`), an address by deleting
  its rows in the admin's "Access attempts".
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_parameters
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from shared_kernel.api.problems import PROBLEM_CONTENT_TYPE, Problem
from shared_kernel.observability.metrics import SIGN_IN_LOCKOUTS, SIGN_IN_REFUSED_LOCKED

logger = structlog.get_logger(__name__)

ACCOUNT, CLIENT_IP = "username", "ip_address"  # axes' names for the two lockout parameters
SCOPES = {ACCOUNT: "account", CLIENT_IP: "ip"}
USERNAME_MAX_LENGTH = 254  # an email's; longer is no account (axes' column holds 255)


# --- What axes is configured with (settings name these by dotted path) -----------------------


def account_failure_limit(request: Any = None, credentials: Any = None) -> int:
    """`AXES_FAILURE_LIMIT`: read per call, so a changed setting applies at once."""
    return int(settings.LOCKOUT_FAILURES_PER_ACCOUNT)


def cool_off(request: Any = None) -> timedelta:
    """`AXES_COOLOFF_TIME`."""
    return timedelta(minutes=settings.LOCKOUT_COOL_OFF_MINUTES)


def username_of(request: Any, credentials: dict[str, Any] | None = None) -> str | None:
    """`AXES_USERNAME_CALLABLE`: the email a sign-in names, as sign-in matches it.

    The token endpoint authenticates with `email=`, the admin's form with `username=`.
    """
    raw: object = None
    for key in (get_user_model().USERNAME_FIELD, "username"):
        raw = (credentials or {}).get(key)
        if raw is None and request is not None:
            raw = _posted(request).get(key)
        if raw is not None:
            break
    if not isinstance(raw, str):
        return None
    return raw.replace("\x00", "").strip().lower()[:USERNAME_MAX_LENGTH]


def _posted(request: Any) -> Any:
    data = getattr(request, "data", None)
    return data if hasattr(data, "get") else request.POST


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for each parameter.

    Axes compares one number with one limit (`AXES_FAILURE_LIMIT`, the account's); the
    address's failures are scaled into the account limit's units, so an address is locked
    exactly when its own failures reach `LOCKOUT_FAILURES_PER_IP`.
    """

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        account_limit = account_failure_limit()
        scaled = [
            failures * account_limit // limit
            for parameter, failures in self.failures_by_parameter(request, credentials).items()
            if (limit := _limit_for(parameter))
        ]
        return max(scaled, default=0)

    def failures_by_parameter(
        self, request: Any, credentials: dict[str, Any] | None = None
    ) -> dict[str, int]:
        parameters = [str(p) for p in get_lockout_parameters(request, credentials)]
        attempts = self.get_user_attempts(request, credentials)
        return {
            parameter: rows.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for parameter, rows in zip(parameters, attempts, strict=True)
        }


def _limit_for(parameter: str) -> int:
    """A limit of 0 switches that parameter's lockout off."""
    if parameter == CLIENT_IP:
        return int(settings.LOCKOUT_FAILURES_PER_IP)
    return account_failure_limit()


# --- When a lock ends ---------------------------------------------------------------------


def locked_until(
    *, username: str | None = None, ip_address: str | None = None, now: datetime | None = None
) -> tuple[datetime | None, list[str]]:
    """When the lock on this account and/or address ends, and which of them is locked.

    An attempt row counts until its latest failure is a cool-off old (axes' rule): the lock
    ends when the newest rows alone no longer reach the limit, i.e. when the row that
    brought the newest ones to the limit expires.
    """
    now = now or timezone.now()
    window = cool_off()
    until: datetime | None = None
    locked: list[str] = []
    for parameter, value in ((ACCOUNT, username), (CLIENT_IP, ip_address)):
        limit = _limit_for(parameter)
        if value is None or not limit:
            continue
        rows = (
            AccessAttempt.objects.filter(**{parameter: value}, attempt_time__gte=now - window)
            .order_by("-attempt_time")
            .values_list("attempt_time", "failures_since_start")
        )
        total = 0
        for attempt_time, failures in rows:
            total += failures
            if total >= limit:
                ends = attempt_time + window
                until = ends if until is None else max(until, ends)
                locked.append(SCOPES[parameter])
                break
    return until, locked


def retry_after_seconds(request: Any) -> int:
    """Seconds until this request's sign-in may be tried again (at least 1)."""
    until, _ = locked_until(
        username=username_of(request, getattr(request, "axes_credentials", None)),
        ip_address=getattr(request, "axes_ip_address", None),
    )
    if until is None:
        return 1
    return max(1, math.ceil((until - timezone.now()).total_seconds()))


def lockout_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        "Too many failed sign-ins for this account or from this address: sign-in is locked "
        f"for {minutes} more {unit}. Staff can release the lock sooner."
    )


# --- The answers ----------------------------------------------------------------------------


class SignInForm(AdminAuthenticationForm):
    """The admin's sign-in form, saying so when axes refused a locked sign-in."""

    def get_invalid_login_error(self) -> ValidationError:
        if getattr(self.request, "axes_locked_out", False):
            return ValidationError(
                lockout_message(retry_after_seconds(self.request)), code="locked_out"
            )
        return super().get_invalid_login_error()


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """`AXES_LOCKOUT_CALLABLE`, called by `AxesMiddleware` for a request axes locked out.

    Under `/api/` (the token endpoint): 429 problem+json in place of the view's 401. The
    admin's page keeps its form (with `SignInForm`'s message) and turns 429. Anything else:
    a short text.
    """
    seconds = retry_after_seconds(request)
    response: HttpResponse
    if request.path.startswith("/api/"):
        problem = Problem(
            status=429,
            code="sign_in_locked_out",
            title="Too Many Requests",
            detail=lockout_message(seconds),
        )
        response = JsonResponse(problem.as_dict(), status=429, content_type=PROBLEM_CONTENT_TYPE)
    elif original_response is not None:
        response = original_response
        response.status_code = 429
    else:
        response = HttpResponse(lockout_message(seconds), status=429, content_type="text/plain")
    response["Retry-After"] = str(seconds)
    return response


# --- Logged and counted ---------------------------------------------------------------------


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any, username: str | None, **kwargs: Any) -> None:
    _flag_django_request(request)
    door = "api" if str(getattr(request, "path", "")).startswith("/api/") else "admin"
    if getattr(request, "axes_failures_since_start", None) is None:
        # Refused before the password was checked: the lock was already there.
        SIGN_IN_REFUSED_LOCKED.labels(door=door).inc()
        return
    ip_address = getattr(request, "axes_ip_address", None)
    until, locked = locked_until(username=username, ip_address=ip_address)
    for scope in locked:
        SIGN_IN_LOCKOUTS.labels(door=door, scope=scope).inc()
    logger.warning(
        "sign_in_locked_out",
        door=door,
        locked=locked,
        account_id=_account_id(username),
        client_ip=ip_address,
        locked_until=until.isoformat() if until else None,
    )


def _flag_django_request(request: Any) -> None:
    """The API signs in with DRF's request, which axes flags; `AxesMiddleware` looks at
    Django's request inside it, so the flags are copied there."""
    inner = getattr(request, "_request", None)
    if isinstance(inner, HttpRequest):
        for name in ("axes_locked_out", "axes_credentials", "axes_ip_address"):
            setattr(inner, name, getattr(request, name, None))


def _account_id(username: str | None) -> str | None:
    """The account the email names, if any: logs carry ids, not what was typed."""
    if not username:
        return None
    manager = get_user_model()._default_manager
    try:
        return str(manager.get_by_natural_key(username).pk)
    except manager.model.DoesNotExist:
        return None


# --- For staff ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountLockout:
    failures: int
    locked_until: datetime | None


def account_lockout(email: str) -> AccountLockout:
    """The account's recent failures and, if it is locked, until when."""
    username = username_of(None, {"username": email})
    threshold = timezone.now() - cool_off()
    failures = (
        AccessAttempt.objects.filter(username=username, attempt_time__gte=threshold).aggregate(
            total=Sum("failures_since_start")
        )["total"]
        or 0
    )
    until, _ = locked_until(username=username)
    return AccountLockout(failures=failures, locked_until=until)


def release_account(email: str, *, by: object = None) -> int:
    """Forget the account's failed sign-ins (from every address): its lock ends now."""
    username = username_of(None, {"username": email})
    released = AxesProxyHandler.reset_attempts(username=username) if username else 0
    logger.info(
        "sign_in_lockout_released",
        account_id=_account_id(username),
        attempts=released,
        by=str(by) if by is not None else None,
    )
    return released
