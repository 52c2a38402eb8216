"""The cache is an accelerator, never a dependency: Redis down means misses, logged and counted."""

import time
from uuid import uuid4

import pytest

from shared_kernel.infrastructure import cache as cache_module
from shared_kernel.infrastructure.cache import FailOpenRedisCache
from shared_kernel.observability.metrics import CACHE_ERRORS, CACHE_SKIPPED
from tests.shared_kernel.observability.prometheus import sample_value

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def no_pause_inherited(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with every Redis presumed reachable."""
    monkeypatch.setattr(cache_module, "_unreachable_until", {})


def redis_cache(location: str, **options: object) -> FailOpenRedisCache:
    options = {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5, **options}
    return FailOpenRedisCache(location, {"OPTIONS": options, "KEY_PREFIX": uuid4().hex})


def errors(operation: str) -> float:
    return sample_value(CACHE_ERRORS, "emporium_cache_errors_total", operation=operation)


def skipped(operation: str) -> float:
    return sample_value(CACHE_SKIPPED, "emporium_cache_skipped_total", operation=operation)


@pytest.mark.parametrize("ignore_exceptions", [True, False])
def test_reads_fall_through_to_their_default_and_are_counted(ignore_exceptions: bool) -> None:
    cache = redis_cache(
        DEAD_REDIS, IGNORE_EXCEPTIONS=ignore_exceptions, RETRY_AFTER_FAILURE_SECONDS=0
    )
    before = {operation: errors(operation) for operation in ("get", "get_many", "has_key")}

    assert cache.get("product:1", "from-the-database") == "from-the-database"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("a") is None

    assert {operation: errors(operation) - before[operation] for operation in before} == {
        "get": 1,
        "get_many": 1,
        "has_key": 1,
    }


def test_writes_are_dropped_and_counted() -> None:
    cache = redis_cache(DEAD_REDIS, RETRY_AFTER_FAILURE_SECONDS=0)
    before = {operation: errors(operation) for operation in ("set", "delete", "set_many")}

    cache.set("product:1", "etag")
    cache.delete("product:1")
    cache.set_many({"a": 1})

    assert {operation: errors(operation) - before[operation] for operation in before} == {
        "set": 1,
        "delete": 1,
        "set_many": 1,
    }


def test_each_failure_is_logged_with_its_operation(caplog) -> None:
    redis_cache(DEAD_REDIS).set("k", "v")

    logged = [r.msg for r in caplog.records if isinstance(r.msg, dict)]
    failure = next(e for e in logged if e["event"] == "cache_unavailable")
    assert failure["operation"] == "set"
    assert "ConnectionError" in failure["error"]


def test_after_a_failure_redis_is_left_alone_for_a_pause_then_tried_again() -> None:
    cache = redis_cache(DEAD_REDIS, RETRY_AFTER_FAILURE_SECONDS=0.2)
    failed, skipped_before = errors("get"), skipped("get")

    assert cache.get("a", "default") == "default"  # tries Redis, fails
    assert cache.get("b", "default") == "default"  # in the pause: not tried
    assert (errors("get") - failed, skipped("get") - skipped_before) == (1, 1)

    time.sleep(0.25)
    assert cache.get("c", "default") == "default"  # after the pause: tried again
    assert (errors("get") - failed, skipped("get") - skipped_before) == (2, 1)


def test_the_pause_applies_to_every_cache_on_that_redis_in_the_process() -> None:
    redis_cache(DEAD_REDIS).get("a")
    before = skipped("set")

    redis_cache(DEAD_REDIS).set("b", 1)

    assert skipped("set") == before + 1


@pytest.mark.redis
def test_a_live_redis_caches_and_counts_no_error(settings) -> None:
    cache = redis_cache(settings.REDIS_URL)
    before = errors("get") + errors("set")

    cache.set("greeting", {"hello": "world"}, timeout=30)

    assert cache.get("greeting") == {"hello": "world"}
    assert errors("get") + errors("set") == before
