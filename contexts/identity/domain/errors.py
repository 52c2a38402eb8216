"""Identity's named errors: each says which business rule refused the change."""

from shared_kernel.domain.errors import Conflict, InvalidInput, NotFound, RuleViolated


class InvalidEmailAddress(InvalidInput):
    title = "Invalid email address"
    code = "invalid_email"

    def __init__(self, message: str = "Enter a valid email address.") -> None:
        super().__init__("email", [message])


class InvalidFullName(InvalidInput):
    title = "Invalid full name"
    code = "invalid_full_name"

    def __init__(self, message: str) -> None:
        super().__init__("full_name", [message])


class WeakPassword(InvalidInput):
    title = "Password too weak"
    code = "weak_password"

    def __init__(self, messages: list[str], *, field: str = "password") -> None:
        super().__init__(field, messages)


class EmailAlreadyRegistered(Conflict):
    title = "Email already registered"
    code = "email_taken"

    def __init__(self) -> None:
        super().__init__("An account with this email address already exists.")


class AccountNotFound(NotFound):
    title = "Account not found"
    code = "account_not_found"


class AccountInactive(RuleViolated):
    title = "Account is deactivated"
    code = "account_inactive"

    def __init__(self) -> None:
        super().__init__("This account is deactivated; it cannot be changed.")


class ResetTokenInvalid(RuleViolated):
    """Unknown, used or expired: the client learns which, but nothing about the account."""

    title = "Invalid password-reset token"
    code = "reset_token_invalid"


class ResetTokenAlreadyUsed(ResetTokenInvalid):
    code = "reset_token_used"

    def __init__(self) -> None:
        super().__init__("This password-reset link has already been used; request a new one.")


class ResetTokenExpired(ResetTokenInvalid):
    code = "reset_token_expired"

    def __init__(self) -> None:
        super().__init__("This password-reset link has expired; request a new one.")
