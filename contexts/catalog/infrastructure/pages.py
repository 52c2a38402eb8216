"""Product pages in Django's cache (Redis with services, a file cache embedded): the
rendered public detail body and its ETag, a digest of the body.

Each product has a token in the cache naming its current page; `forget` replaces the token
as the change is made and again once it commits, so the next read misses, renders afresh
and gets a new ETag.
A reader takes the token before it reads the database: a page rendered from rows read
before a change is stored under the token that change retired, where nobody looks.
An accelerator only: with the cache unreachable (`FailOpenRedisCache`) every read misses
and renders from the database, and a `forget` lost then is bounded by `PAGE_TTL_SECONDS`.
"""

import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

from contexts.catalog.application.ports import CachedPage, ProductPageCache
from contexts.catalog.domain.values import Slug

PAGE_TTL_SECONDS = 300


class DjangoProductPageCache(ProductPageCache):
    def page(self, slug: str, render: Callable[[], bytes]) -> CachedPage:
        token = _current_token(slug)
        key = f"catalog:page:{slug}:{token}"
        cached = cache.get(key) if token is not None else None
        if cached is not None:
            body, etag = cached
            return CachedPage(body=body, etag=etag)
        page = CachedPage.of(render())
        if token is not None:
            cache.set(key, (page.body, page.etag), PAGE_TTL_SECONDS)
        return page

    def forget(self, slug: Slug) -> None:
        """Now, and again once the change commits: a reader that rendered the page from the
        rows as they were before the commit stored it under the token replaced then."""
        _replace_token(slug.value)
        transaction.on_commit(lambda: _replace_token(slug.value))


def _current_token(slug: str) -> str | None:
    """The product's page token, one made if it has none; None with the cache unreachable."""
    key = _token_key(slug)
    token: str | None = cache.get(key)
    if token is None:
        cache.add(key, _new_token(), None)
        token = cache.get(key)
    return token


def _replace_token(slug: str) -> None:
    cache.set(_token_key(slug), _new_token(), None)


def _token_key(slug: str) -> str:
    return f"catalog:page-token:{slug}"


def _new_token() -> str:
    return uuid.uuid4().hex
