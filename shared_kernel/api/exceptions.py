"""DRF's exception handler: every error raised in an API view becomes problem+json (§5).

DRF exceptions keep their status and headers (`WWW-Authenticate` on 401, `Retry-After` on
429); validation errors add `errors`, a flat map from a dotted field path to its messages;
the domain's errors map to one status per kind; anything unexpected is logged with its
traceback and answered 500 with no trace of it in the body.
"""

from collections.abc import Iterator
from typing import Any

import structlog
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, UnreadablePostError
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from shared_kernel.api.problems import PROBLEM_CONTENT_TYPE, Problem, problem_for_status
from shared_kernel.domain import errors

logger = structlog.get_logger(__name__)

# Most specific first: IllegalTransition is a Conflict, every domain error a DomainError.
_DOMAIN_STATUSES: tuple[tuple[type[Exception], int], ...] = (
    (errors.NotFound, 404),
    (errors.PermissionDenied, 403),
    (errors.Conflict, 409),
    (errors.DomainError, 400),
    (errors.InfrastructureError, 503),
)
VALIDATION_DETAIL = "The request is invalid: see `errors` for each field."


class PayloadTooLarge(exceptions.APIException):
    """A body over `DATA_UPLOAD_MAX_MEMORY_SIZE`: Django raises `RequestDataTooBig` when the
    view first reads it, and would answer 500 if nobody said otherwise."""

    status_code = 413
    default_code = "payload_too_large"
    default_detail = "The request body is larger than this server accepts."


class BodyUnreadable(exceptions.APIException):
    """A body that stopped arriving: cut short, or a pause longer than gunicorn's
    `GUNICORN_BODY_TIMEOUT` between two reads (ADR 0019). Django raises
    `UnreadablePostError` when the view reads it; the client's fault, not a 500."""

    status_code = 400
    default_code = "body_unreadable"
    default_detail = "The request body did not arrive whole: it was cut short or sent too slowly."


def problem_details_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """Answer any exception raised in a DRF view with problem+json, never with a trace."""
    problem = problem_for_exception(exc)
    set_rollback()
    request = context.get("request")
    if request is not None:
        # Errors are JSON even for a browser that asked for the browsable API's HTML.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = PROBLEM_CONTENT_TYPE
    return Response(
        problem.as_dict(),
        status=problem.status,
        headers=_headers_for(exc),
        content_type=PROBLEM_CONTENT_TYPE,
    )


def problem_for_exception(exc: Exception) -> Problem:
    exc = _as_drf_exception(exc)
    if isinstance(exc, exceptions.ValidationError):
        return _validation_problem(exc.detail, code="validation_error")
    if isinstance(exc, exceptions.APIException):
        return Problem(
            status=exc.status_code,
            code=type(exc).default_code,
            title=problem_for_status(exc.status_code).title,
            detail=_message(exc.detail),
        )
    if isinstance(exc, errors.DomainError | errors.InfrastructureError):
        return _domain_problem(exc)
    logger.error("unhandled_api_exception", exc_info=exc)
    return problem_for_status(500, "An unexpected error occurred; it has been logged.")


def flatten_errors(detail: Any, path: str = "") -> dict[str, list[str]]:
    """`{"lines": [{}, {"quantity": ["…"]}]}` → `{"lines.1.quantity": ["…"]}`."""
    return dict(_flat_pairs(detail, path))


def _as_drf_exception(exc: Exception) -> Exception:
    if isinstance(exc, Http404):
        return exceptions.NotFound(*exc.args)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, UnreadablePostError):
        return BodyUnreadable()
    return exc


def _domain_problem(exc: errors.DomainError | errors.InfrastructureError) -> Problem:
    status = next(code for kind, code in _DOMAIN_STATUSES if isinstance(exc, kind))
    if isinstance(exc, errors.InfrastructureError):
        # Its message names hosts and drivers: logged here, never sent to the client.
        logger.warning("dependency_unavailable", error=str(exc), kind=type(exc).__name__)
        return Problem(status=status, code=exc.code, title=exc.title, detail=exc.title + ".")
    if isinstance(exc, errors.RuleViolated) and isinstance(exc.context.get("field"), str):
        return _rule_on_field_problem(exc)
    return Problem(status=status, code=exc.code, title=exc.title, detail=exc.detail)


def _rule_on_field_problem(exc: errors.RuleViolated) -> Problem:
    """A rule pinned on an input field (`field=`, and `messages=` for several broken at once)
    reads as a validation error on that field."""
    messages = exc.context.get("messages")
    listed = [str(m) for m in messages] if isinstance(messages, list) and messages else None
    errors_on_field = {str(exc.context["field"]): listed or [exc.detail]}
    return _validation_problem(errors_on_field, code=exc.code, title=exc.title)


def _validation_problem(detail: Any, *, code: str, title: str = "Invalid input") -> Problem:
    return Problem(
        status=400,
        code=code,
        title=title,
        detail=VALIDATION_DETAIL,
        errors=flatten_errors(detail),
    )


def _flat_pairs(detail: Any, path: str) -> Iterator[tuple[str, list[str]]]:
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _flat_pairs(value, f"{path}.{key}" if path else str(key))
        return
    if not isinstance(detail, list):
        detail = [detail]
    messages = [str(item) for item in detail if not isinstance(item, dict | list)]
    if messages:
        yield path or api_settings.NON_FIELD_ERRORS_KEY, messages
    for index, item in enumerate(detail):
        if isinstance(item, dict | list):
            yield from _flat_pairs(item, f"{path}.{index}" if path else str(index))


def _message(detail: Any) -> str:
    """DRF details may be a string, a list, or (simplejwt) a dict with its own `detail`."""
    if isinstance(detail, dict):
        return _message(detail.get("detail", next(iter(detail.values()), "")))
    if isinstance(detail, list):
        return " ".join(_message(item) for item in detail)
    return str(detail)


def _headers_for(exc: Exception) -> dict[str, str]:
    headers = {}
    if auth_header := getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = auth_header
    if wait := getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(wait))
    return headers
