"""The error hierarchy. The API maps each kind to one HTTP status (shared_kernel.api)."""


class DomainError(Exception):
    """Base of every error a use case or aggregate raises on purpose."""

    title = "Request could not be completed"
    code = "domain_error"

    def __init__(self, detail: str = "", **context: object) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.context = context


class NotFound(DomainError):
    """What was asked for does not exist (or is not the caller's to see)."""

    title = "Not found"
    code = "not_found"


class RuleViolated(DomainError):
    """A business rule forbids the change: invalid input to the domain."""

    title = "Business rule violated"
    code = "rule_violated"


class InvalidInput(RuleViolated):
    """A value the domain refuses, tied to the input field it came from.

    The API reports it as a validation error on that field (`errors.<field>`), and the admin
    as an error on that form field, so a client gets the same shape whether a serializer,
    a form or the domain caught it.
    """

    code = "invalid_input"

    def __init__(self, field: str, messages: list[str]) -> None:
        super().__init__(" ".join(messages), field=field, messages=list(messages))
        self.field = field
        self.messages = list(messages)


class Conflict(DomainError):
    """The change clashes with the current state: a duplicate, an illegal transition."""

    title = "Conflict with the current state"
    code = "conflict"


class IllegalTransition(Conflict):
    title = "Illegal state transition"
    code = "illegal_transition"


class PermissionDenied(DomainError):
    title = "Not allowed"
    code = "permission_denied"


class InfrastructureError(Exception):
    """A dependency failed (database, broker, gateway): not the caller's fault, maybe transient."""

    title = "A dependency is unavailable"
    code = "infrastructure_error"


class ServiceUnavailable(InfrastructureError):
    title = "Service temporarily unavailable"
    code = "service_unavailable"
