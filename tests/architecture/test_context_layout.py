"""Every context has the same shape (ARCHITECTURE.md §2), so a reader finds a thing by
guessing its file name, and every context is installed as a Django app."""

import pytest
from django.apps import apps

from tests.architecture.codebase import CONTEXTS_DIR, context_names

LAYOUT = [
    "domain/__init__.py",
    "application/__init__.py",
    "infrastructure/__init__.py",
    "api/__init__.py",
    "admin.py",
    "contracts.py",
    "apps.py",
    "models.py",
    "migrations/__init__.py",
]


def test_there_are_contexts():
    assert context_names()


def test_contexts_holds_only_context_packages():
    """`contexts.*` in the import contracts means "every context": a module or a directory
    without `__init__.py` directly under `contexts/` would be taken for one, or missed."""
    strays = [
        path.name
        for path in CONTEXTS_DIR.iterdir()
        if path.name not in {"__init__.py", "__pycache__"}
        and not (path.is_dir() and (path / "__init__.py").exists())
    ]
    assert strays == []


@pytest.mark.parametrize("name", context_names())
def test_context_has_the_standard_layout(name):
    missing = [entry for entry in LAYOUT if not (CONTEXTS_DIR / name / entry).exists()]
    assert missing == [], f"contexts/{name} lacks {missing}"


@pytest.mark.parametrize("name", context_names())
def test_context_is_an_installed_app(name):
    installed = {config.name for config in apps.get_app_configs()}
    assert f"contexts.{name}" in installed
