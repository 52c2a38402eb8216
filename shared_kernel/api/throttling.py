"""Rate limits per user and per client IP, kept in the cache, failing open (ARCHITECTURE.md §5).

The client IP is DRF's `get_ident`: `X-Forwarded-For` is trusted only through `NUM_PROXIES`
hops. Rates come from `THROTTLE_ANON`/`THROTTLE_USER`/`THROTTLE_AUTH` and are read per
request (DRF reads them once at import), so settings overrides take effect.

The cache is an accelerator, never a dependency: `FailOpenRedisCache` already answers "no
history" when Redis is down, which lets the request through; any other cache that raises is
caught here, the request let through, logged and counted in
`emporium_throttle_failed_open_total{scope}`.
"""

import ipaddress
from functools import lru_cache
from typing import Any

import structlog
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from rest_framework import throttling
from rest_framework.request import Request
from rest_framework.settings import api_settings

from shared_kernel.observability.metrics import THROTTLE_FAILED_OPEN

logger = structlog.get_logger(__name__)


def client_ip(request: HttpRequest | Request) -> str | None:
    """The client's IP address as every throttle sees it: DRF's `get_ident`, so
    `X-Forwarded-For` counts only through `NUM_PROXIES` trusted hops (a spoofed header
    changes nothing when `NUM_PROXIES=0`). The sign-in lockout keys on it too
    (`AXES_CLIENT_IP_CALLABLE`), so both agree on who the client is.

    What a broken proxy chain hands over in that hop may be no address at all: then the
    connection's own address (the proxy's) stands in, never the client's word; None if
    that is no address either.
    """
    ident = throttling.BaseThrottle().get_ident(request)  # type: ignore[arg-type]
    return _an_address(str(ident)) or _an_address(str(request.META.get("REMOTE_ADDR")))


@lru_cache(maxsize=4096)  # parsing an address costs more than the rest of a request's logging
def _an_address(candidate: str) -> str | None:
    try:
        return str(ipaddress.ip_address(candidate.strip()))
    except ValueError:
        return None


class FailOpenThrottleMixin:
    """Put before a DRF `SimpleRateThrottle` subclass in the bases."""

    scope: str | None

    def get_rate(self) -> str | None:
        rates: dict[str, Any] = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope not in rates:
            raise ImproperlyConfigured(f"No throttle rate for scope {self.scope!r}.")
        rate = rates[self.scope]
        return None if rate is None else str(rate)  # None: DRF's "no limit"

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except Exception as error:  # whatever the cache raised, let the request through
            logger.warning("throttle_failed_open", scope=self.scope, error=repr(error))
            THROTTLE_FAILED_OPEN.labels(scope=str(self.scope)).inc()
            return True


class AnonRateThrottle(FailOpenThrottleMixin, throttling.AnonRateThrottle):
    """Anonymous requests, per client IP (`THROTTLE_ANON`)."""


class UserRateThrottle(FailOpenThrottleMixin, throttling.UserRateThrottle):
    """Signed-in requests per user, anonymous ones per client IP (`THROTTLE_USER`)."""


class AuthRateThrottle(FailOpenThrottleMixin, throttling.SimpleRateThrottle):
    """The stricter limit on auth endpoints (`THROTTLE_AUTH`), per client IP, signed in or not."""

    scope = "auth"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
