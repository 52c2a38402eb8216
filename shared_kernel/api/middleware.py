"""Django's own error pages under `/api/` become problem+json (ARCHITECTURE.md §5).

DRF's handler covers errors raised inside API views; this middleware covers what happens
outside them: an unknown URL (`/api/v1/nope`), a method a plain Django view refuses, a crash
Django turned into a 500 page. It works on responses, so it also replaces Django's DEBUG
technical pages, which would otherwise leak settings and tracebacks to API clients.
"""

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from shared_kernel.api.problems import PROBLEM_CONTENT_TYPE, problem_for_status

API_PATH_PREFIX = "/api/"


class ProblemDetailsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _is_unshaped_api_error(request, response):
            _rewrite_as_problem(request, response)
        return response


def _is_unshaped_api_error(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        request.path.startswith(API_PATH_PREFIX)
        and response.status_code >= 400
        and not response.streaming
        and not response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE)
    )


def _rewrite_as_problem(request: HttpRequest, response: HttpResponse) -> None:
    """Replace the body in place, so the status, `Allow` and other headers stay as they were."""
    problem = problem_for_status(response.status_code, _detail_of(request, response))
    response.content = json.dumps(problem.as_dict()).encode()
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))


def _detail_of(request: HttpRequest, response: HttpResponse) -> str:
    """Keep a JSON body's own `detail`; Django's HTML pages say too much to be passed on."""
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            detail = json.loads(response.content).get("detail")
        except (ValueError, AttributeError):
            detail = None
        if isinstance(detail, str):
            return detail
    if response.status_code == 404:
        return f"Nothing is found at {request.path}."
    if response.status_code == 405:
        return f"Method {request.method} is not allowed on {request.path}."
    return ""
