"""DRF's browsable API under the Content-Security-Policy (ADR 0017).

A development aid, on only where `BROWSABLE_API` is (DEBUG's default; production answers
JSON only). Its page has one inline `<style>` (the code highlighting), which our template
gives the response's nonce, and one inline `style` attribute on the buttons of filters and
extra actions, allowed by its hash on these pages alone.
"""

from collections.abc import Mapping
from typing import Any

from csp.constants import UNSAFE_HASHES
from rest_framework import renderers

FLOAT_RIGHT_STYLE = "'sha256-OfgyIBrd+/vP79JdFMYP+re4T+fIenvkrHPD2HZ8/cs='"  # float: right; …


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    template = "api_docs/browsable_api.html"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> Any:
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_update = {"style-src-attr": [UNSAFE_HASHES, FLOAT_RIGHT_STYLE]}
        return super().render(data, accepted_media_type, renderer_context)
