"""The import-linter contracts (`.importlinter`, ARCHITECTURE.md §2) run as part of the suite,
so a boundary crossed fails `make test` and not only `make lint`.

The contracts name no context: they say `contexts.*`, so a new context is covered without an
edit. Two tests hold them to that: no contract names a context, and a probe context that
breaks every rule, added to a copy of the code, breaks every contract that covers contexts
(a wildcard that matches nothing would leave its contract silently kept). A new contract
over `contexts.*` needs a line in the probe that breaks it.
"""

import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.architecture.codebase import REPO_ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONFIG = REPO_ROOT / ".importlinter"
WILDCARDS = {"*", "**"}

# Two new contexts, paths under contexts/. `zz_probe` breaks each rule once, next to imports
# the rules allow (marked "allowed"); `zz_neighbour` is the other context it reaches into.
EMPTY_CONTEXT = {
    f"{layer}/__init__.py": "" for layer in ("domain", "application", "infrastructure", "api")
}
PROBE = {
    **{f"zz_neighbour/{path}": "" for path in EMPTY_CONTEXT},
    "zz_neighbour/__init__.py": "",
    "zz_neighbour/contracts.py": "class NeighbourEvent: ...\n",
    "zz_neighbour/infrastructure/models.py": "",
    **{f"zz_probe/{path}": "" for path in EMPTY_CONTEXT},
    "zz_probe/__init__.py": "",
    # domain purity
    "zz_probe/domain/__init__.py": "import django\n",
    # layers
    "zz_probe/domain/rules.py": "from contexts.zz_probe.application import handlers\n",
    "zz_probe/domain/prices.py": "from shared_kernel.domain.money import Money  # allowed\n",
    # application knows no web or ORM
    "zz_probe/application/__init__.py": "from rest_framework import serializers\n",
    # contexts reach each other only through contracts
    "zz_probe/application/handlers.py": "from contexts.zz_neighbour.infrastructure import models\n",
    "zz_probe/application/subscribers.py": (
        "from contexts.zz_neighbour.contracts import NeighbourEvent  # allowed\n"
    ),
    # contracts purity
    "zz_probe/contracts.py": (
        "from django.db import models\nfrom contexts.zz_probe import infrastructure\n"
    ),
}
ALLOWED_PROBE_MODULES = {
    "contexts.zz_probe.domain.prices",
    "contexts.zz_probe.application.subscribers",
}

STATUS_LINE = re.compile(r"^(?P<name>.+) (?P<status>KEPT|BROKEN)(?: \(.*\))?$", re.MULTILINE)


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache"],
        cwd=cwd,
        # One contract per status line: no wrapping at 80 columns.
        env={**os.environ, "COLUMNS": "1000"},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def _contracts() -> dict[str, dict[str, str]]:
    """Each contract's options, by its section name."""
    config = configparser.ConfigParser()
    config.read(CONFIG)
    prefix = "importlinter:contract:"
    return {
        section.removeprefix(prefix): dict(config[section])
        for section in config.sections()
        if section.startswith(prefix)
    }


def _module_expressions(value: str) -> list[str]:
    """The dotted module names in an option value (a list, a layer line, an import)."""
    return re.findall(r"[\w*]+(?:\.[\w*]+)+|[\w*]+", value)


def _covers_contexts(options: dict[str, str]) -> bool:
    return any(
        expression.startswith("contexts.")
        for value in options.values()
        for expression in _module_expressions(value)
    )


def test_every_import_contract_is_kept():
    result = _lint_imports(REPO_ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_contract_names_a_context():
    """`contexts.<something>` in a contract must be a wildcard: a name would leave the next
    context out, and a list of names must be kept by hand."""
    named = [
        f"{contract}: {expression}"
        for contract, options in _contracts().items()
        for value in options.values()
        for expression in _module_expressions(value)
        if expression.startswith("contexts.") and expression.split(".")[1] not in WILDCARDS
    ]

    assert named == []


def test_a_new_context_is_covered_without_editing_the_contracts(tmp_path):
    for package in ("config", "contexts", "shared_kernel"):
        shutil.copytree(
            REPO_ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    shutil.copy(CONFIG, tmp_path / CONFIG.name)
    for name, source in PROBE.items():
        path = tmp_path / "contexts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)

    result = _lint_imports(tmp_path)

    output = result.stdout + result.stderr
    statuses = {match["name"]: match["status"] for match in STATUS_LINE.finditer(result.stdout)}
    covering = {options["name"] for options in _contracts().values() if _covers_contexts(options)}
    assert covering, "no contract covers the contexts"
    assert {name: statuses.get(name) for name in covering} == dict.fromkeys(covering, "BROKEN"), (
        output
    )
    reported = set(re.findall(r"contexts\.zz_probe[\w.]*", result.stdout))
    assert not reported & ALLOWED_PROBE_MODULES, output
