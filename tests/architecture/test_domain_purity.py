"""Domain packages are pure Python (ARCHITECTURE.md §2): no Django, DRF, Celery or ORM, and
none of their own context's outer layers.

import-linter enforces this too, but only for the packages listed in `.importlinter`; this
scan reads every file under `contexts/*/domain` and `shared_kernel/domain`, so a context
that was never added to the contracts is caught as well.
"""

import ast
from pathlib import Path

import pytest

from tests.architecture.codebase import CONTEXTS_DIR, REPO_ROOT

FORBIDDEN_ROOTS = {
    "django",
    "rest_framework",
    "rest_framework_simplejwt",
    "drf_spectacular",
    "celery",
    "kombu",
    "psycopg",
    "redis",
    "django_redis",
}
OUTER_LAYERS = {"application", "infrastructure", "api", "models", "admin"}


def _domain_files() -> list[Path]:
    packages = [*sorted(CONTEXTS_DIR.glob("*/domain")), REPO_ROOT / "shared_kernel" / "domain"]
    return [file for package in packages for file in sorted(package.rglob("*.py"))]


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts)


def _imported_modules(source: str, module: str) -> list[str]:
    """Absolute names of every module `source` imports (relative imports resolved)."""
    package = module.rsplit(".", 1)[0]
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            names.append(".".join(part for part in (base, node.module or "") if part))
    return names


def _is_forbidden(imported: str, module: str) -> bool:
    parts = imported.split(".")
    if parts[0] in FORBIDDEN_ROOTS:
        return True
    own = module.split(".")
    if parts[0] == "contexts":
        other_context = parts[1:2] != own[1:2]
        return other_context or (len(parts) > 2 and parts[2] in OUTER_LAYERS)
    return parts[0] == "shared_kernel" and parts[1:2] != ["domain"]


def _violations(path: Path) -> list[str]:
    module = _module_name(path)
    return [
        f"{module} imports {imported}"
        for imported in _imported_modules(path.read_text(), module)
        if _is_forbidden(imported, module)
    ]


def test_there_are_domain_files_to_check():
    assert _domain_files()


@pytest.mark.parametrize("path", _domain_files(), ids=_module_name)
def test_domain_module_is_pure_python(path):
    assert _violations(path) == []


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("from django.db import models", True),
        ("import celery", True),
        ("from ..infrastructure.models import Order", True),
        ("from contexts.catalog.domain import Sku", True),
        ("from shared_kernel.messaging import bus", True),
        ("from . import rules\nfrom shared_kernel.domain.money import Money", False),
        ("import dataclasses, uuid", False),
    ],
)
def test_the_scan_tells_pure_from_impure(source, forbidden):
    module = "contexts.ordering.domain.order"
    found = [name for name in _imported_modules(source, module) if _is_forbidden(name, module)]
    assert bool(found) is forbidden
