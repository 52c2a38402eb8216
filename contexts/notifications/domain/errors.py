"""Notifications' named errors."""

from shared_kernel.domain.errors import NotFound, RuleViolated


class DeliveryNotFound(NotFound):
    title = "Email delivery not found"
    code = "email_delivery_not_found"


class ResendRefused(RuleViolated):
    title = "This email cannot be sent again"
    code = "resend_refused"
