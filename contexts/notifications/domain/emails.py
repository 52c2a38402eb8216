"""The emails notifications sends: which template, to whom, with what, in words a customer reads.

An `Email` is what the mailer renders and sends: a template, one recipient and the
template's context, every value already a string. Some templates carry a secret (the reset
link): their secret values are sent and never kept, so `storable_context()` leaves them out
of anything written down (the delivery log), and `redacted()` masks them in any text that
might quote them (an error message).
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

MASK = "***"


class Template(enum.StrEnum):
    WELCOME = "welcome"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a template name, not a secret
    ORDER_CONFIRMED = "order_confirmed"
    ORDER_REJECTED = "order_rejected"
    ORDER_SHIPPED = "order_shipped"
    ORDER_CANCELLED = "order_cancelled"
    PAYMENT_REFUNDED = "payment_refunded"

    @property
    def secret_keys(self) -> frozenset[str]:
        """Context keys sent in the email and never stored or logged."""
        return _SECRET_KEYS.get(self, frozenset())


_SECRET_KEYS = {Template.PASSWORD_RESET: frozenset({"reset_token", "reset_url"})}

# Why an order was rejected, as the customer reads it (ordering's `RejectionReason`).
REJECTION_WORDING: Mapping[str, str] = {
    "out_of_stock": "some of the items you ordered are out of stock",
    "payment_declined": "your payment was declined",
    "payment_unavailable": "we could not reach the payment provider to take your payment",
    "reservation_expired": "your payment did not complete while we held the items for you",
}

# Who cancelled an order, as the customer reads it (ordering's `CancelledBy`).
CANCELLATION_WORDING: Mapping[str, str] = {
    "customer": "as you asked",
    "staff": "by our staff",
    "system": "because the items could no longer be supplied",
}


def rejection_wording(reason: str) -> str:
    return REJECTION_WORDING.get(reason, "we could not complete it")


def cancellation_wording(cancelled_by: str) -> str:
    return CANCELLATION_WORDING.get(cancelled_by, "")


@dataclass(frozen=True, slots=True)
class Email:
    template: Template
    to: str
    context: Mapping[str, str] = field(default_factory=dict)

    def storable_context(self) -> dict[str, str]:
        """The context without the template's secrets: what may be written down."""
        return {k: v for k, v in self.context.items() if k not in self.template.secret_keys}

    def redacted(self, text: str) -> str:
        """`text` with this email's secret values masked."""
        secrets = (self.context.get(key, "") for key in self.template.secret_keys)
        for secret in sorted(
            filter(None, secrets), key=len, reverse=True
        ):  # a link holds its token
            text = text.replace(secret, MASK)
        return text
