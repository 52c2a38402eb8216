"""Product pages in Django's cache (Redis with services, a file cache embedded): the
rendered public detail body and its ETag, a digest of the body.

Each product has a token in the cache naming its current page, and its page is stored
with the token it was rendered under; a page whose token is not the current one is a miss.
`forget` replaces the token as the change is made and again once it commits, so the next
read misses, renders afresh and gets a new ETag. A reader takes the token before it reads
the database: a page rendered from rows read before a change carries the token that change
retired, and is never served. A hit is one round trip (token and page read together).
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
        token_key, page_key = _token_key(slug), _page_key(slug)
        held = cache.get_many([token_key, page_key])
        token, cached = held.get(token_key), held.get(page_key)
        if token is not None and cached is not None and cached[0] == token:
            return CachedPage(body=cached[1], etag=cached[2])
        if token is None:
            token = _first_token(token_key)
        page = CachedPage.of(render())
        if token is not None:
            cache.set(page_key, (token, page.body, page.etag), PAGE_TTL_SECONDS)
        return page

    def forget(self, slug: Slug) -> None:
        """Now, and again once the change commits: a reader that rendered the page from the
        rows as they were before the commit stored it under the token replaced then."""
        _replace_token(slug.value)
        transaction.on_commit(lambda: _replace_token(slug.value))


def _first_token(token_key: str) -> str | None:
    """The product's token, made if it has none (another reader may make it first); None
    with the cache unreachable."""
    cache.add(token_key, uuid.uuid4().hex, None)
    token: str | None = cache.get(token_key)
    return token


def _replace_token(slug: str) -> None:
    cache.set(_token_key(slug), uuid.uuid4().hex, None)


def _token_key(slug: str) -> str:
    return f"catalog:page-token:{slug}"


def _page_key(slug: str) -> str:
    return f"catalog:page:{slug}"
