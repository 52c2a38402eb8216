"""One composition function for every context: use cases built from ports by name.

A context declares its use cases as frozen, keyword-only dataclasses whose fields name the
ports they need (`uow`, `accounts`, `clock`, …), lists them in one dataclass, and gathers
its ports in another. `compose(UseCases, ports)` builds each use case from the ports of the
same name: the app passes Django adapters (the context's `bootstrap.py`), the tests pass
fakes, and nothing is listed twice.
"""

import dataclasses
from typing import Any, TypeVar, get_type_hints

T = TypeVar("T")


def compose(use_cases: type[T], ports: object) -> T:
    """`use_cases(**{name: UseCase(**ports it names)})`; a port missing is a TypeError."""
    built = {name: _build(use_case, ports) for name, use_case in get_type_hints(use_cases).items()}
    return use_cases(**built)


def _build(use_case: type[Any], ports: object) -> Any:
    needed = [field.name for field in dataclasses.fields(use_case)]
    missing = [name for name in needed if not hasattr(ports, name)]
    if missing:
        raise TypeError(f"{use_case.__name__} needs ports {missing} that {ports!r} lacks.")
    return use_case(**{name: getattr(ports, name) for name in needed})
