"""Inventory's named errors: each says which business rule refused the change."""

from shared_kernel.domain.errors import Conflict, InvalidInput, NotFound


class UnknownSku(NotFound):
    title = "Unknown SKU"
    code = "unknown_sku"

    def __init__(self, sku: str) -> None:
        super().__init__(f"Neither inventory nor the catalog knows a SKU {sku!r}.")


class InvalidQuantity(InvalidInput):
    title = "Invalid quantity"
    code = "invalid_quantity"

    def __init__(self, message: str) -> None:
        super().__init__("quantity", [message])


class InvalidReason(InvalidInput):
    title = "Invalid reason"
    code = "invalid_reason"

    def __init__(self, message: str) -> None:
        super().__init__("reason", [message])


class BelowReserved(Conflict):
    """An adjustment would leave fewer units on hand than are held for orders."""

    title = "Stock would fall below what is reserved"
    code = "below_reserved"

    def __init__(self, *, sku: str, on_hand: int, reserved: int, quantity: int) -> None:
        super().__init__(
            f"{sku}: {on_hand} on hand {quantity:+d} would leave fewer than the {reserved} "
            "reserved for orders.",
            sku=sku,
            on_hand=on_hand,
            reserved=reserved,
            quantity=quantity,
        )


class NotEnoughStock(Conflict):
    """Stock was asked to hold or give more than it has available (a use case checks first)."""

    title = "Not enough stock"
    code = "not_enough_stock"


class ReservationNotYetKnown(Conflict):
    """An order event that needs the order's lines came before `OrderPlaced` was applied.

    It cannot happen in the saga (ordering confirms only after `StockReserved`); raised so
    the bus retries the delivery until the reservation exists, rather than lose it.
    """

    title = "Reservation not known yet"
    code = "reservation_not_yet_known"
