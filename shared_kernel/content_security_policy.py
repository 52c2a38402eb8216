"""The Content-Security-Policy header on every answer: django-csp's middleware, made cheap.

django-csp builds the header afresh for every response (dataclass to dict, a deep copy of the
settings' directives, string joins): about 170 µs a request, measured, several times what a
request costs the rest of our middlewares. Nearly every answer needs nothing of its own, though:
a JSON answer uses no nonce and no view changed the policy for it. This middleware writes that
policy, built once from `CONTENT_SECURITY_POLICY` (again when the setting changes), on such
answers, and hands every other one to django-csp unchanged: a page whose template used the
nonce, a view with `csp_update`/`csp_replace`/`csp_exempt`, a report-only policy, excluded
prefixes, DEBUG's error pages (ADR 0017).
"""

from functools import cache
from http import HTTPStatus
from typing import Any

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# What django-csp's decorators leave on a response to change its policy.
_PER_RESPONSE = frozenset(
    {
        "_csp_exempt",
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_exempt_ro",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
    }
)
_DEBUG_PAGES = (HTTPStatus.NOT_FOUND, HTTPStatus.INTERNAL_SERVER_ERROR)


class CSPMiddleware(DjangoCSPMiddleware):
    def __init__(self, get_response: Any) -> None:
        super().__init__(get_response)
        # As django-csp does: a nonce asked for after the header is written is an error. It
        # raises on every use, so one such object serves every answer.
        self._nonce_too_late = CheckableLazyObject(self._csp_nonce_post_response)

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not _is_plain(request, response):
            return super().process_response(request, response)
        response[HEADER] = _plain_policy()
        request.csp_nonce = self._nonce_too_late  # type: ignore[attr-defined]
        return response


def _is_plain(request: HttpRequest, response: HttpResponseBase) -> bool:
    """An answer django-csp would give exactly the settings' policy, nothing else."""
    return (
        getattr(request, "_csp_nonce", None) is None
        and _PER_RESPONSE.isdisjoint(vars(response))
        and HEADER not in response
        and not (settings.DEBUG and response.status_code in _DEBUG_PAGES)
        and _policy_is_simple()
    )


@cache
def _policy_is_simple() -> bool:
    policy: dict[str, Any] = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
    return bool(policy) and not policy.get("EXCLUDE_URL_PREFIXES") and not report_only


@cache
def _plain_policy() -> str:
    return build_policy()


@receiver(setting_changed)
def _forget_the_policy(*, setting: str, **_: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policy_is_simple.cache_clear()
        _plain_policy.cache_clear()
