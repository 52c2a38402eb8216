"""Of our own code, a domain imports only its own package, its own context's contracts (the
integration events its aggregates record) and shared_kernel.domain (ARCHITECTURE.md §2).

That is an allow-list, which import-linter's contracts cannot state: they forbid, and
`shared_kernel.*`-but-`shared_kernel.domain` or "its own context's contracts, no other's"
has no wildcard. So this scan reads every file under `contexts/*/domain` and
`shared_kernel/domain`. What a contract does state is left to it: Django, DRF, Celery and
the ORM (`domain-purity`) and the context's outer layers (`context-layers`).
"""

import ast
from pathlib import Path

import pytest

from tests.architecture.codebase import CONTEXTS_DIR, REPO_ROOT

FIRST_PARTY = {"config", "contexts", "shared_kernel"}


def _domain_files() -> list[Path]:
    packages = [*sorted(CONTEXTS_DIR.glob("*/domain")), REPO_ROOT / "shared_kernel" / "domain"]
    return [file for package in packages for file in sorted(package.rglob("*.py"))]


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts)


def _imported_modules(source: str, module: str) -> list[str]:
    """The absolute dotted name of everything `source` imports, relative imports resolved:
    `m` for `import m`, `m.n` for `from m import n` (n a submodule or a name in m, so that
    `from contexts.ordering import models` is seen to reach the models)."""
    package = module.rsplit(".", 1)[0]
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            origin = ".".join(part for part in (base, node.module or "") if part)
            names.extend(f"{origin}.{alias.name}" for alias in node.names)
    return names


def _is_allowed(imported: str, module: str) -> bool:
    parts = imported.split(".")
    if parts[0] not in FIRST_PARTY:
        return True  # the standard library; third parties are the `domain-purity` contract's
    if parts[0] == "shared_kernel":
        return parts[1:2] == ["domain"]
    own_context = module.split(".")[:2]
    return parts[:2] == own_context and parts[2:3] in (["domain"], ["contracts"])


def _violations(path: Path) -> list[str]:
    module = _module_name(path)
    return [
        f"{module} imports {imported}"
        for imported in _imported_modules(path.read_text(), module)
        if not _is_allowed(imported, module)
    ]


def test_there_are_domain_files_to_check():
    assert _domain_files()


@pytest.mark.parametrize("path", _domain_files(), ids=_module_name)
def test_domain_module_imports_only_what_a_domain_may(path):
    assert _violations(path) == []


@pytest.mark.parametrize(
    ("source", "allowed"),
    [
        ("from ..infrastructure.models import Order", False),
        ("from contexts.ordering import models", False),
        ("from contexts.ordering.application import ports", False),
        ("from contexts.catalog.domain import Sku", False),
        ("from contexts.catalog.contracts import ProductPublished", False),
        ("from shared_kernel.messaging import bus", False),
        ("from shared_kernel.application.unit_of_work import UnitOfWork", False),
        ("import config.settings", False),
        ("from . import rules\nfrom shared_kernel.domain.money import Money", True),
        ("from contexts.ordering.contracts import OrderPlaced", True),
        ("from contexts.ordering import contracts", True),
        ("import dataclasses, uuid", True),
    ],
)
def test_the_scan_tells_allowed_from_forbidden(source, allowed):
    module = "contexts.ordering.domain.order"
    found = [name for name in _imported_modules(source, module) if not _is_allowed(name, module)]
    assert (found == []) is allowed, found
