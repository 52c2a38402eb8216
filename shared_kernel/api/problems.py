"""The problem+json body (RFC 9457) every error under `/api/` answers with (ARCHITECTURE.md §5).

One builder for the two doors an error leaves by: DRF's exception handler (errors raised in an
API view) and `ProblemDetailsMiddleware` (Django's own 404/405/500 pages for `/api/` URLs).
`type` is a stable URI per kind of problem, `title` is fixed for that kind, `detail` is about
this occurrence.
"""

from dataclasses import dataclass
from http import HTTPStatus

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://emporium.example/problems/"


@dataclass(frozen=True)
class Problem:
    status: int
    code: str
    title: str
    detail: str
    errors: dict[str, list[str]] | None = None

    @property
    def type(self) -> str:
        return PROBLEM_TYPE_BASE + self.code.replace("_", "-")

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def problem_for_status(status: int, detail: str = "") -> Problem:
    """A problem known only by its HTTP status, such as Django's page for an unknown URL."""
    phrase = HTTPStatus(status).phrase
    code = "server_error" if status >= 500 else phrase.lower().replace(" ", "_").replace("-", "_")
    return Problem(status=status, code=code, title=phrase, detail=detail or phrase + ".")
