"""The event contracts' lock file (`docs/events.lock.json`): each published event's schema.

Like a dependency lock, it records what consumers rely on. The contract tests fail when an
event's fields change under the same version; `manage.py outbox lock` records new events
and new versions, and refuses to rewrite a version already recorded.
"""

import importlib
import importlib.util
import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings

from shared_kernel.domain.events import IntegrationEvent, registered_integration_events
from shared_kernel.messaging.serialization import describe_event

LOCK_PATH = Path(settings.BASE_DIR) / "docs" / "events.lock.json"


def published_events() -> list[type[IntegrationEvent]]:
    """Every event the contexts declare in their `contracts.py` (imported here if need be)."""
    for config in apps.get_app_configs():
        module = f"{config.name}.contracts"
        if config.name.startswith("contexts.") and importlib.util.find_spec(module):
            importlib.import_module(module)
    return [
        cls for cls in registered_integration_events() if cls.__module__.startswith("contexts.")
    ]


def key(event_class: type[IntegrationEvent]) -> str:
    return f"{event_class.event_type}@v{event_class.version}"


def current_schemas() -> dict[str, Any]:
    return {key(cls): describe_event(cls) for cls in published_events()}


def read_lock(path: Path = LOCK_PATH) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.exists() else {}


def drift(lock: dict[str, Any]) -> list[str]:
    """What differs from the lock: events not recorded, and versions changed in place."""
    problems = []
    for name, schema in current_schemas().items():
        if name not in lock:
            problems.append(f"{name} is not in the lock: run `manage.py outbox lock`.")
        elif lock[name] != schema:
            problems.append(f"{name} changed without a new version: bump its `version`.")
    return problems


def write_lock(path: Path = LOCK_PATH) -> list[str]:
    """Record new events and versions; the keys added. A changed version is refused."""
    lock = read_lock(path)
    changed = [p for p in drift(lock) if "changed" in p]
    if changed:
        raise ValueError("; ".join(changed))
    added = sorted(set(current_schemas()) - set(lock))
    merged = {**lock, **current_schemas()}
    path.write_text(json.dumps(dict(sorted(merged.items())), indent=2) + "\n")
    return added
