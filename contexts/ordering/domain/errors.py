"""Ordering's named errors: each says which business rule refused the change."""

from shared_kernel.domain.errors import IllegalTransition, InvalidInput, NotFound


class OrderNotFound(NotFound):
    """No such order, or not the caller's: another customer's order is not disclosed."""

    title = "Order not found"
    code = "order_not_found"

    def __init__(self) -> None:
        super().__init__("No such order.")


class IllegalOrderTransition(IllegalTransition):
    code = "illegal_order_transition"

    def __init__(self, *, action: str, status: str, allowed_from: str) -> None:
        super().__init__(
            f"An order can be {action} only when it is {allowed_from}; this one is {status}.",
            status=status,
        )


class InvalidOrderInput(InvalidInput):
    """A value of the order the domain refuses, on the field path it came from."""

    title = "Invalid order"
    code = "invalid_order"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, [message])


class PaymentAlreadyRequested(IllegalTransition):
    """An order asks for its payment once: a second reservation for it is not applied."""

    code = "payment_already_requested"

    def __init__(self) -> None:
        super().__init__("This order has already asked for its payment.")
