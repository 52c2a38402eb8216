"""What the architecture tests share: where the code is and which contexts exist."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTEXTS_DIR = REPO_ROOT / "contexts"


def context_names() -> list[str]:
    """Every bounded context: each package directly under `contexts/`, found on disk (never
    listed by hand), which is also what `contexts.*` matches in `.importlinter`."""
    return sorted(
        path.name
        for path in CONTEXTS_DIR.iterdir()
        if path.is_dir() and (path / "__init__.py").exists()
    )
