"""Throttles per user and per client IP, cache-backed, failing open (ARCHITECTURE.md §5)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.test import APIClient
from rest_framework.throttling import BaseThrottle

from shared_kernel.api.throttling import AnonRateThrottle, forwarded_ident
from shared_kernel.observability.metrics import CACHE_ERRORS, CACHE_SKIPPED, THROTTLE_FAILED_OPEN
from tests.shared_kernel.api.users import signed_in
from tests.shared_kernel.observability.prometheus import sample_value

pytestmark = pytest.mark.urls("tests.shared_kernel.api.urls")

DEAD_REDIS = "redis://127.0.0.1:1/0"


def rates(settings, **overrides: str | None) -> None:
    rest = dict(django_settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"anon": "1000/min", "user": "1000/min", "auth": "1000/min"}
    rest["DEFAULT_THROTTLE_RATES"].update(overrides)
    settings.REST_FRAMEWORK = rest


def cache(settings, backend: str, location: str = "", **options: object) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": backend,
            "LOCATION": location or uuid4().hex,
            "KEY_PREFIX": uuid4().hex,
            "OPTIONS": options,
        }
    }


@pytest.fixture
def locmem(settings) -> None:
    cache(settings, "django.core.cache.backends.locmem.LocMemCache")


def test_past_the_anonymous_rate_is_429_problem_with_retry_after(settings, locmem) -> None:
    rates(settings, anon="2/min")
    client = APIClient()

    assert [client.get("/api/test/throttled").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/test/throttled")

    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "https://emporium.example/problems/throttled"
    assert body["status"] == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_a_scope_without_a_rate_is_not_limited(settings, locmem) -> None:
    rates(settings, anon=None, user=None)

    statuses = [APIClient().get("/api/test/throttled").status_code for _ in range(5)]

    assert statuses == [200] * 5


def test_anonymous_clients_are_counted_per_ip_through_trusted_proxies(settings, locmem) -> None:
    rates(settings, anon="1/min")
    rest = dict(django_settings.REST_FRAMEWORK, NUM_PROXIES=1)
    settings.REST_FRAMEWORK = rest
    client = APIClient()

    first = client.get("/api/test/throttled", HTTP_X_FORWARDED_FOR="203.0.113.1")
    other_ip = client.get("/api/test/throttled", HTTP_X_FORWARDED_FOR="203.0.113.2")
    same_ip = client.get("/api/test/throttled", HTTP_X_FORWARDED_FOR="203.0.113.1")

    assert [first.status_code, other_ip.status_code, same_ip.status_code] == [200, 200, 429]


def test_a_spoofed_forwarded_for_is_ignored_without_trusted_proxies(settings, locmem) -> None:
    rates(settings, anon="1/min")
    settings.REST_FRAMEWORK = dict(django_settings.REST_FRAMEWORK, NUM_PROXIES=0)
    client = APIClient()

    assert client.get("/api/test/throttled", HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    assert client.get("/api/test/throttled", HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429


@pytest.mark.parametrize("num_proxies", [None, 0, 1, 2, 5])
@pytest.mark.parametrize(
    "forwarded", [None, "", "203.0.113.9", "203.0.113.9, 10.0.0.1", " a , b ,c ", "x,,y"]
)
@pytest.mark.parametrize("remote", ["198.51.100.1", None])
def test_the_ident_read_from_meta_is_drfs_to_the_letter(
    settings, num_proxies: int | None, forwarded: str | None, remote: str | None
) -> None:
    """`forwarded_ident` skips DRF's copy of every header (`request.headers`), nothing else."""
    settings.REST_FRAMEWORK = {**django_settings.REST_FRAMEWORK, "NUM_PROXIES": num_proxies}
    meta = {"REMOTE_ADDR": remote} if remote is not None else {}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR")
    request.META.update(meta)

    assert forwarded_ident(request.META) == BaseThrottle().get_ident(Request(request))


def test_anonymous_clients_are_not_held_to_the_user_rate(settings, locmem) -> None:
    rates(settings, user="1/min")
    client = APIClient()

    assert [client.get("/api/test/throttled").status_code for _ in range(3)] == [200] * 3


def test_signed_in_users_are_counted_per_user(settings, locmem) -> None:
    rates(settings, user="1/min")
    alice, bob = APIClient(), APIClient()
    alice.force_authenticate(signed_in(pk=1))
    bob.force_authenticate(signed_in(pk=2))

    assert alice.get("/api/test/throttled").status_code == 200
    assert bob.get("/api/test/throttled").status_code == 200
    assert alice.get("/api/test/throttled").status_code == 429


def test_the_auth_throttle_counts_per_ip_signed_in_or_not(settings, locmem) -> None:
    rates(settings, auth="2/min")
    anonymous, member = APIClient(), APIClient()
    member.force_authenticate(signed_in(pk=1))

    assert anonymous.get("/api/test/auth-throttled").status_code == 200
    assert member.get("/api/test/auth-throttled").status_code == 200
    assert member.get("/api/test/auth-throttled").status_code == 429


def test_throttles_fail_open_when_redis_is_unreachable(settings) -> None:
    rates(settings, anon="1/min")
    cache(settings, "shared_kernel.infrastructure.cache.FailOpenRedisCache", DEAD_REDIS)
    missed_reads = failed_or_skipped_reads()

    statuses = [APIClient().get("/api/test/throttled").status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert failed_or_skipped_reads() >= missed_reads + 3


def failed_or_skipped_reads() -> float:
    """The first read fails and pauses Redis; later reads are skipped: both are counted."""
    return sample_value(
        CACHE_ERRORS, "emporium_cache_errors_total", operation="get"
    ) + sample_value(CACHE_SKIPPED, "emporium_cache_skipped_total", operation="get")


class ExplodingCache(LocMemCache):
    def get(self, *args: object, **kwargs: object) -> object:
        raise ConnectionError("cache is down")


def test_throttles_fail_open_when_any_cache_raises(settings, caplog) -> None:
    rates(settings, anon="1/min")
    cache(settings, f"{__name__}.ExplodingCache")
    failed_open = sample_value(
        THROTTLE_FAILED_OPEN, "emporium_throttle_failed_open_total", scope="anon"
    )

    statuses = [APIClient().get("/api/test/throttled").status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert (
        sample_value(THROTTLE_FAILED_OPEN, "emporium_throttle_failed_open_total", scope="anon")
        == failed_open + 3
    )
    logged = [r.msg for r in caplog.records if isinstance(r.msg, dict)]
    assert any(e["event"] == "throttle_failed_open" and e["scope"] == "anon" for e in logged)


@pytest.mark.redis
def test_throttles_count_in_redis(settings) -> None:
    rates(settings, anon="1/min")
    cache(settings, "shared_kernel.infrastructure.cache.FailOpenRedisCache", settings.REDIS_URL)
    client = APIClient()

    assert client.get("/api/test/throttled").status_code == 200
    assert client.get("/api/test/throttled").status_code == 429


@pytest.mark.redis
def test_on_redis_the_window_is_a_sorted_set_counted_by_one_script(settings) -> None:
    rates(settings, anon="2/min")
    cache(settings, "shared_kernel.infrastructure.cache.FailOpenRedisCache", settings.REDIS_URL)
    client = APIClient()

    statuses = [client.get("/api/test/throttled").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert 0 < int(client.get("/api/test/throttled")["Retry-After"]) <= 60
    backend = caches["default"]
    redis = backend.client.get_client(write=True)  # type: ignore[attr-defined]
    key = backend.make_key("throttle_anon_127.0.0.1:window")
    assert redis.type(key) == b"zset"
    assert redis.zcard(key) == 2, "refused requests take no place in the window"
    assert 0 < redis.ttl(key) <= 60


@pytest.mark.redis
def test_an_anonymous_request_is_counted_in_one_window_a_signed_in_one_in_its_own(
    settings,
) -> None:
    """The anonymous limit is the tighter one on a client IP: no second window beside it."""
    rates(settings)
    cache(settings, "shared_kernel.infrastructure.cache.FailOpenRedisCache", settings.REDIS_URL)
    redis = caches["default"].client.get_client(write=True)  # type: ignore[attr-defined]
    prefix = django_settings.CACHES["default"]["KEY_PREFIX"]

    client = APIClient()
    client.get("/api/test/throttled")
    anonymous = sorted(key.decode() for key in redis.keys(f"{prefix}*"))
    client.force_authenticate(signed_in(pk=7))
    client.get("/api/test/throttled")
    both = sorted(key.decode() for key in redis.keys(f"{prefix}*"))

    assert [key.split(":")[-2] for key in anonymous] == ["throttle_anon_127.0.0.1"]
    assert [key.split(":")[-2] for key in both] == ["throttle_anon_127.0.0.1", "throttle_user_7"]


@pytest.mark.redis
def test_on_redis_requests_at_once_never_pass_the_limit_together(settings) -> None:
    """DRF's read-then-write lets requests that read the same history all pass."""
    rates(settings, anon="5/min")
    cache(settings, "shared_kernel.infrastructure.cache.FailOpenRedisCache", settings.REDIS_URL)
    request = Request(RequestFactory().get("/api/test/throttled", REMOTE_ADDR="198.51.100.7"))
    start = threading.Barrier(20)

    def one_request() -> bool:
        throttle = AnonRateThrottle()
        start.wait()
        return throttle.allow_request(request, None)

    with ThreadPoolExecutor(max_workers=20) as pool:
        allowed = list(pool.map(lambda _: one_request(), range(20)))

    assert allowed.count(True) == 5
