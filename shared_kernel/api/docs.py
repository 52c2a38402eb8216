"""The API's documentation pages, Swagger UI and ReDoc, under the Content-Security-Policy.

Both are drf-spectacular's views over drf-spectacular-sidecar's bundles, served from here
(ADR 0004), with templates of ours whose inline style and script carry the response's CSP
nonce (ADR 0017). ReDoc needs three things more, on its page only:
- a `blob:` worker, which its search runs in;
- the SHA-256 of two inline styles its bundle injects while it loads, before it can be
  given the nonce: perfect-scrollbar's CSS and the empty `<style>` it is first put in. They
  change only with the sidecar's ReDoc: the browser test fails on a new one, naming it;
- Redocly's logo, which ReDoc always loads from its CDN.
"""

from collections.abc import Callable
from typing import Any

from csp.decorators import csp_update
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

REDOC_INLINE_STYLES = (
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # the empty <style>
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # perfect-scrollbar's CSS
)
REDOC_POLICY = {
    "worker-src": ["blob:"],
    "style-src": list(REDOC_INLINE_STYLES),
    "img-src": ["https://cdn.redoc.ly"],
}


def swagger_ui(schema_url_name: str) -> Callable[..., Any]:
    return SpectacularSwaggerView.as_view(
        url_name=schema_url_name, template_name="api_docs/swagger_ui.html"
    )


def redoc(schema_url_name: str) -> Callable[..., Any]:
    view = SpectacularRedocView.as_view(
        url_name=schema_url_name, template_name="api_docs/redoc.html"
    )
    return csp_update(REDOC_POLICY)(view)
