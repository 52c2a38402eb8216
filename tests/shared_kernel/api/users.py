"""A signed-in user without the database: what `force_authenticate` needs from one."""

from types import SimpleNamespace
from typing import Any


def signed_in(*, pk: int, is_staff: bool = False) -> Any:
    return SimpleNamespace(pk=pk, is_authenticated=True, is_staff=is_staff)
