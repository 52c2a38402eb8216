"""No model holds a database relation into another bounded context (ARCHITECTURE.md §2).

import-linter cannot see this: `models.ForeignKey("identity.User")` or
`settings.AUTH_USER_MODEL` is a string, not an import. A context that needs a customer keeps
a plain `customer_id` UUID and asks identity's contracts for the rest, so each context's
tables can move, be rebuilt or be split out without the others. Django's own apps (admin's
log, sessions, simplejwt's token tables) may point at the user model: they are framework,
not contexts.
"""

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.db import models


def _owner(model: type[models.Model]) -> str | None:
    """The bounded context (`contexts.<name>`) or `shared_kernel` a model belongs to."""
    parts = model.__module__.split(".")
    if parts[0] == "contexts" and len(parts) > 1:
        return f"contexts.{parts[1]}"
    if parts[0] == "shared_kernel":
        return "shared_kernel"
    return None


def _related_models(model: type[models.Model]) -> list[type[models.Model]]:
    """The models this one's own fields point at (FK, one-to-one, many-to-many)."""
    return [
        field.related_model
        for field in model._meta.get_fields(include_hidden=True)
        if field.is_relation and not field.auto_created and isinstance(field.related_model, type)
    ]


def _foreign_context_relations(model: type[models.Model]) -> list[str]:
    owner = _owner(model)
    return [
        f"{model._meta.label} -> {target._meta.label}"
        for target in _related_models(model)
        if _owner(target) not in (None, owner)
    ]


def test_no_model_relates_to_another_contexts_model():
    ours = [model for model in apps.get_models(include_auto_created=True) if _owner(model)]

    violations = [line for model in ours for line in _foreign_context_relations(model)]

    assert ours, "no context models found: is the app registry loaded?"
    assert violations == [], "hold the other context's id instead of a relation"


def test_the_check_sees_a_relation_to_the_user_model():
    """Guards the detector itself: admin's log entry points at identity's user."""
    assert apps.get_model("identity", "User") in _related_models(LogEntry)
