"""Which email each event asks for: its template, its recipient and what it says.

Only what the event and identity's facade give: the recipient of identity's own events is
the address in the event; an order's or a payment's customer is looked up by id.
"""

import uuid
from collections.abc import Callable, Mapping

from contexts.identity.contracts import CustomerContact, PasswordResetRequested, UserRegistered
from contexts.notifications.domain.emails import (
    Email,
    Template,
    cancellation_wording,
    rejection_wording,
)
from contexts.ordering.contracts import OrderCancelled, OrderConfirmed, OrderRejected, OrderShipped
from contexts.payments.contracts import PaymentRefunded
from shared_kernel.domain.errors import NotFound
from shared_kernel.domain.events import IntegrationEvent

ContactOf = Callable[[uuid.UUID], CustomerContact | None]
ResetUrl = Callable[[str], str]

TEMPLATE_OF: Mapping[type[IntegrationEvent], Template] = {
    UserRegistered: Template.WELCOME,
    PasswordResetRequested: Template.PASSWORD_RESET,
    OrderConfirmed: Template.ORDER_CONFIRMED,
    OrderRejected: Template.ORDER_REJECTED,
    OrderShipped: Template.ORDER_SHIPPED,
    OrderCancelled: Template.ORDER_CANCELLED,
    PaymentRefunded: Template.PAYMENT_REFUNDED,
}
"""The events that send an email, and the template each one uses."""


class RecipientUnknown(NotFound):
    """Identity knows no customer with the event's id: there is no one to write to."""

    title = "Recipient unknown"
    code = "recipient_unknown"


def email_for(event: IntegrationEvent, *, contact_of: ContactOf, reset_url: ResetUrl) -> Email:
    """The email `event` asks for; RecipientUnknown if its customer has no contact details."""
    to_customer = _CustomerEmail(contact_of)
    match event:
        case UserRegistered():
            context = {"full_name": event.full_name, "email": event.email}
            return Email(template=Template.WELCOME, to=event.email, context=context)
        case PasswordResetRequested():
            context = {
                "email": event.email,
                "reset_token": event.reset_token,
                "reset_url": reset_url(event.reset_token),
            }
            return Email(template=Template.PASSWORD_RESET, to=event.email, context=context)
        case OrderConfirmed():
            return to_customer(event, event.customer_id, event.order_id, total=str(event.total))
        case OrderRejected():
            return to_customer(
                event, event.customer_id, event.order_id, reason=rejection_wording(event.reason)
            )
        case OrderShipped():
            return to_customer(
                event, event.customer_id, event.order_id, tracking_number=event.tracking_number
            )
        case OrderCancelled():
            return to_customer(
                event,
                event.customer_id,
                event.order_id,
                cancelled_by=cancellation_wording(event.cancelled_by),
            )
        case PaymentRefunded():
            return to_customer(event, event.customer_id, event.order_id, amount=str(event.amount))
    raise TypeError(f"Notifications sends no email for {type(event).__name__}.")


class _CustomerEmail:
    """An email to the customer behind an order, found through identity's facade."""

    def __init__(self, contact_of: ContactOf) -> None:
        self._contact_of = contact_of

    def __call__(
        self, event: IntegrationEvent, customer_id: uuid.UUID, order_id: uuid.UUID, **details: str
    ) -> Email:
        contact = self._contact_of(customer_id)
        if contact is None:
            raise RecipientUnknown(f"No contact details for customer {customer_id}.")
        context = {"full_name": contact.full_name, "order_id": str(order_id), **details}
        return Email(template=TEMPLATE_OF[type(event)], to=contact.email, context=context)
