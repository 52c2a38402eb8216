"""The import-linter contracts (`.importlinter`, ARCHITECTURE.md §2) run as part of the suite,
so a boundary crossed fails `make test` and not only `make lint`."""

import configparser
import subprocess
import sys
from pathlib import Path

import pytest

from tests.architecture.codebase import REPO_ROOT, context_names

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# Where each context must be named, and as what: (contract section, option, module pattern).
CONTEXT_SLOTS = [
    ("importlinter:contract:context-layers", "containers", "contexts.{name}"),
    ("importlinter:contract:domain-purity", "source_modules", "contexts.{name}.domain"),
    (
        "importlinter:contract:application-knows-no-web-or-orm",
        "source_modules",
        "contexts.{name}.application",
    ),
    ("importlinter:contract:contexts-through-contracts", "modules", "contexts.{name}"),
]


def test_every_import_contract_is_kept():
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _listed_modules(section: str, option: str) -> set[str]:
    config = configparser.ConfigParser()
    config.read(REPO_ROOT / ".importlinter")
    return {line.strip() for line in config[section][option].splitlines() if line.strip()}


@pytest.mark.parametrize("name", context_names())
@pytest.mark.parametrize(("section", "option", "pattern"), CONTEXT_SLOTS)
def test_every_context_is_covered_by_the_contracts(name, section, option, pattern):
    """A new context is covered by adding its name to `.importlinter`; this test reminds."""
    assert pattern.format(name=name) in _listed_modules(section, option)
