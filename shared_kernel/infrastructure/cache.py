"""Placeholder: filled in by the API-plumbing work."""

from django_redis.cache import RedisCache


class FailOpenRedisCache(RedisCache):
    pass
