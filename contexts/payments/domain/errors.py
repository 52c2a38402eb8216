"""Payments' named errors: each says which business rule refused the change."""

from shared_kernel.domain.errors import IllegalTransition, NotFound


class IllegalPaymentTransition(IllegalTransition):
    title = "Illegal payment transition"
    code = "illegal_payment_transition"

    def __init__(self, status: str, action: str) -> None:
        super().__init__(f"A {status} payment cannot {action}.", status=status, action=action)


class PaymentNotFound(NotFound):
    title = "Payment not found"
    code = "payment_not_found"
