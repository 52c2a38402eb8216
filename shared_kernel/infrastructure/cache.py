"""The Redis cache as an accelerator, never a dependency (ARCHITECTURE.md §5).

With Redis unreachable, reads return their default (callers fall through to the database),
writes are dropped, and each failure is logged and counted in
`emporium_cache_errors_total{operation}`.

django-redis's own `IGNORE_EXCEPTIONS` swallows the failure where its methods catch it, with
no operation named and no metric. So the client is wrapped: every failed call is recorded on
its way out, whatever the options, and this backend always ignores it (fail-open is its
whole point). Hit/miss counters come from django-prometheus's Redis backend, inherited.

A Redis that does not answer (rather than refusing) costs each call its socket timeout, and
a request makes several calls. So after a failure the process leaves that Redis alone for
`OPTIONS["RETRY_AFTER_FAILURE_SECONDS"]` (5 s by default): calls meanwhile are misses at
once, counted in `emporium_cache_skipped_total{operation}`, and the next call after the pause
tries Redis again.
"""

import time
from collections.abc import Callable
from typing import Any, cast

import structlog
from django_prometheus.cache.backends.redis import RedisCache
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted

from shared_kernel.observability.metrics import CACHE_ERRORS, CACHE_SKIPPED

logger = structlog.get_logger(__name__)

DEFAULT_RETRY_AFTER_FAILURE_SECONDS = 5.0

# Per Redis location, for the whole process: when to try it again after a failure.
_unreachable_until: dict[str, float] = {}


class FailOpenRedisCache(RedisCache):
    _client: Any

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._ignore_exceptions = True
        self._log_ignored_exceptions = False  # logged once, with the operation, below
        options = params.get("OPTIONS", {})
        self._retry_after = float(
            options.get("RETRY_AFTER_FAILURE_SECONDS", DEFAULT_RETRY_AFTER_FAILURE_SECONDS)
        )

    @property
    def client(self) -> DefaultClient:
        if self._client is None:
            client = self._client_cls(self._server, self._params, self)
            self._client = _FailureRecordingClient(client, str(self._server), self._retry_after)
        return cast(DefaultClient, self._client)


class _FailureRecordingClient:
    """Stands in for the django-redis client: records each call that lost Redis, and skips
    Redis for a pause after one did."""

    def __init__(self, client: DefaultClient, location: str, retry_after: float) -> None:
        self._client = client
        self._location = location
        self._retry_after = retry_after

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute
        return self._guarded(name, attribute)

    def _guarded(self, operation: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if time.monotonic() < _unreachable_until.get(self._location, 0.0):
                CACHE_SKIPPED.labels(operation=operation).inc()
                raise ConnectionInterrupted(connection=None)
            try:
                return call(*args, **kwargs)
            except ConnectionInterrupted as error:
                self._record_failure(operation, error)
                raise

        return guarded

    def _record_failure(self, operation: str, error: ConnectionInterrupted) -> None:
        _unreachable_until[self._location] = time.monotonic() + self._retry_after
        CACHE_ERRORS.labels(operation=operation).inc()
        logger.warning(
            "cache_unavailable",
            operation=operation,
            error=repr(error.__cause__),
            retry_in_seconds=self._retry_after,
        )
