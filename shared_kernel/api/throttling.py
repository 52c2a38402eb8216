"""Rate limits per user and per client IP, kept in the cache, failing open (ARCHITECTURE.md §5).

The client IP is DRF's `get_ident` (read from `META`: `forwarded_ident`): `X-Forwarded-For`
is trusted only through `NUM_PROXIES` hops. Rates come from `THROTTLE_ANON`/`THROTTLE_USER`/
`THROTTLE_AUTH` and are read per request (DRF reads them once at import), so settings
overrides take effect.

The cache is an accelerator, never a dependency: `FailOpenRedisCache` already answers "no
history" when Redis is down, which lets the request through; any other cache that raises is
caught here, the request let through, logged and counted in
`emporium_throttle_failed_open_total{scope}`.

On Redis (ADR 0022), DRF's algorithm (the timestamps of the window's requests, read, trimmed
and written back: two round trips per request, and two requests at once can both read the
same history) runs as one Lua script on a sorted set: one round trip, atomic, the same
sliding window and the same `Retry-After`. When the script cannot run (Redis unreachable,
paused after a failure), DRF's own way through the fail-open cache takes over, which records
the failure and lets the request through.
"""

import ipaddress
import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import structlog
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache import cache as default_cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django_redis.cache import RedisCache
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
    ident = forwarded_ident(request.META)
    return _an_address(str(ident)) or _an_address(str(request.META.get("REMOTE_ADDR")))


def forwarded_ident(meta: Mapping[str, Any]) -> str | None:
    """DRF's `get_ident`, to the letter, read from `META`: DRF reads `X-Forwarded-For`
    through `request.headers`, which copies every header of the request into a new
    mapping first, on every throttled request and every request line (ADR 0022)."""
    xff = meta.get("HTTP_X_FORWARDED_FOR")
    remote_addr = meta.get("REMOTE_ADDR")
    num_proxies = api_settings.NUM_PROXIES
    if num_proxies is not None:
        if num_proxies == 0 or xff is None:
            return remote_addr
        addrs = xff.split(",")
        return str(addrs[-min(num_proxies, len(addrs))]).strip()
    return "".join(xff.split()) if xff else remote_addr


@lru_cache(maxsize=4096)  # parsing an address costs more than the rest of a request's logging
def _an_address(candidate: str) -> str | None:
    try:
        return str(ipaddress.ip_address(candidate.strip()))
    except ValueError:
        return None


class FailOpenThrottleMixin:
    """Put before a DRF `SimpleRateThrottle` subclass in the bases."""

    scope: str | None

    def get_ident(self, request: Request) -> str:
        return str(forwarded_ident(request.META))  # DRF's cache keys say "None" too

    def get_rate(self) -> str | None:
        rates: dict[str, Any] = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope not in rates:
            raise ImproperlyConfigured(f"No throttle rate for scope {self.scope!r}.")
        rate = rates[self.scope]
        return None if rate is None else str(rate)  # None: DRF's "no limit"

    def allow_request(self, request: Request, view: Any) -> bool:
        self._counted: tuple[int, float | None] | None = None
        try:
            return self._allow(request, view)
        except Exception as error:  # whatever the cache raised, let the request through
            logger.warning("throttle_failed_open", scope=self.scope, error=repr(error))
            THROTTLE_FAILED_OPEN.labels(scope=str(self.scope)).inc()
            return True

    def _allow(self, request: Request, view: Any) -> bool:
        this: Any = self  # a SimpleRateThrottle: rate, key, now, duration, num_requests
        backend = caches[DEFAULT_CACHE_ALIAS] if this.cache is default_cache else this.cache
        if this.rate is None or not isinstance(backend, RedisCache):
            return bool(super().allow_request(request, view))  # type: ignore[misc]
        this.key = this.get_cache_key(request, view)
        if this.key is None:
            return True
        this.now = this.timer()
        try:
            allowed, count, oldest = backend.client.get_client(write=True).register_script(
                _SLIDING_WINDOW
            )(
                keys=[backend.make_key(f"{this.key}:window")],
                args=[this.now, this.now - this.duration, this.num_requests, this.duration,
                      f"{this.now}:{os.urandom(6).hex()}"],
            )  # fmt: skip
        except Exception:  # no script without Redis: DRF's way records the failure
            return bool(super().allow_request(request, view))  # type: ignore[misc]
        self._counted = (int(count), None if oldest is None else float(oldest))
        return bool(allowed)

    def wait(self) -> float | None:
        """DRF's `Retry-After`, from what the script counted when it ran."""
        if self._counted is None:
            return super().wait()  # type: ignore[misc]
        this: Any = self
        count, oldest = self._counted
        remaining = this.duration - (this.now - oldest) if oldest is not None else this.duration
        available = this.num_requests - count + 1
        return None if available <= 0 else remaining / float(available)


# DRF's sliding window on a sorted set of request times, in one atomic round trip:
# drop the times out of the window; if fewer than the limit remain, add this one (and keep
# the set no longer than the window); answer whether it was added, how many the window
# holds, and its oldest time (for Retry-After).
_SLIDING_WINDOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5])
  redis.call('EXPIRE', KEYS[1], ARGV[4])
  count = count + 1
  allowed = 1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
return {allowed, count, oldest or false}
"""


class AnonRateThrottle(FailOpenThrottleMixin, throttling.AnonRateThrottle):
    """Anonymous requests, per client IP (`THROTTLE_ANON`)."""


class UserRateThrottle(FailOpenThrottleMixin, throttling.UserRateThrottle):
    """Signed-in requests per user (`THROTTLE_USER`).

    DRF's counts an anonymous request too, per client IP, in a second window beside
    `AnonRateThrottle`'s, which already limits that IP more tightly (`THROTTLE_ANON`): a
    second Redis round trip on every anonymous request for a limit never reached first. So
    anonymous requests are the anonymous throttle's alone, as §5 states the limits (ADR 0022).
    """

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return str(super().get_cache_key(request, view))


class AuthRateThrottle(FailOpenThrottleMixin, throttling.SimpleRateThrottle):
    """The stricter limit on auth endpoints (`THROTTLE_AUTH`), per client IP, signed in or not."""

    scope = "auth"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
