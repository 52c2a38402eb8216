"""The Redis cache as an accelerator, never a dependency (ARCHITECTURE.md §5).

With Redis unreachable, reads return their default (callers fall through to the database),
writes are dropped, and each failure is logged and counted in
`emporium_cache_errors_total{operation}`. The short socket timeouts in settings bound what a
dead Redis costs a request.

django-redis's own `IGNORE_EXCEPTIONS` swallows the failure where its methods catch it, with
no operation named and no metric. So the client is wrapped: every failed call is recorded on
its way out, whatever the options, and this backend always ignores it (fail-open is its
whole point). Hit/miss counters come from django-prometheus's Redis backend, inherited.
"""

from collections.abc import Callable
from typing import Any, cast

import structlog
from django_prometheus.cache.backends.redis import RedisCache
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted

from shared_kernel.observability.metrics import CACHE_ERRORS

logger = structlog.get_logger(__name__)


class FailOpenRedisCache(RedisCache):
    _client: Any

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._ignore_exceptions = True
        self._log_ignored_exceptions = False  # logged once, with the operation, below

    @property
    def client(self) -> DefaultClient:
        if self._client is None:
            client = self._client_cls(self._server, self._params, self)
            self._client = cast(DefaultClient, _FailureRecordingClient(client))
        return cast(DefaultClient, self._client)


class _FailureRecordingClient:
    """Stands in for the django-redis client, recording each call that lost Redis."""

    def __init__(self, client: DefaultClient) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute
        return _recording_failures(name, attribute)


def _recording_failures(operation: str, call: Callable[..., Any]) -> Callable[..., Any]:
    def recorded(*args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except ConnectionInterrupted as error:
            CACHE_ERRORS.labels(operation=operation).inc()
            logger.warning("cache_unavailable", operation=operation, error=repr(error.__cause__))
            raise

    return recorded
