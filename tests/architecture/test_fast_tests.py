"""Domain and use-case tests need no database, no Django and no DRF (ARCHITECTURE.md §8):
they run here in a fresh interpreter with pytest-django switched off and no conftest, where
importing Django's settings, the ORM or DRF would fail them."""

import subprocess
import sys

import pytest

from tests.architecture.codebase import REPO_ROOT, context_names

pytestmark = pytest.mark.slow


def fast_test_files() -> list[str]:
    names = ("test_domain.py", "test_use_cases.py")
    files = [
        str(path.relative_to(REPO_ROOT))
        for context in context_names()
        for name in names
        if (path := REPO_ROOT / "tests" / context / name).exists()
    ]
    return [
        *files,
        "tests/shared_kernel/domain",
        "tests/shared_kernel/test_unit_of_work_collect.py",
    ]


def test_domain_and_use_case_tests_run_without_django() -> None:
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:django", "-p", "no:cacheprovider",
            "--noconftest", "-p", "no:xdist", *fast_test_files(),
        ],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
