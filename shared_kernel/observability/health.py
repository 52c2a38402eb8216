"""Placeholder views; the readiness-check registry below is the interface other modules use."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest, JsonResponse


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadinessCheck:
    name: str
    run: Callable[[], CheckResult]
    critical: bool  # a failing critical check makes the process unavailable (503)


_extra_checks: dict[str, ReadinessCheck] = {}


def register_readiness_check(
    name: str, run: Callable[[], CheckResult], *, critical: bool = False
) -> None:
    """Add a check to /health/ready (the event bus adds `outbox`, never critical: §5)."""
    _extra_checks[name] = ReadinessCheck(name=name, run=run, critical=critical)


def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def ready(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
