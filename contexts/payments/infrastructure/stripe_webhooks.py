"""Stripe's webhooks read with Stripe's own signature scheme (`stripe.Webhook`): a
`Stripe-Signature` header that does not match `STRIPE_WEBHOOK_SECRET`, or is older than
Stripe's tolerance (300 s), is refused before anything is read from the payload."""

from typing import Any

import stripe
from django.conf import settings

from contexts.payments.application.ports import (
    GatewayEvent,
    GatewayEventKind,
    WebhookReader,
    WebhookSignatureInvalid,
)
from contexts.payments.contracts import FailureReason
from contexts.payments.domain.payment import PaymentId

KINDS: dict[str, GatewayEventKind] = {
    "payment_intent.succeeded": "charge_succeeded",
    "payment_intent.payment_failed": "charge_failed",
    "charge.refunded": "charge_refunded",
}


class StripeWebhookReader(WebhookReader):
    def read(self, payload: bytes, signature: str) -> GatewayEvent | None:
        if not settings.STRIPE_WEBHOOK_SECRET:  # an empty secret is one anyone can sign with
            raise WebhookSignatureInvalid("Stripe webhooks are not configured here.")
        try:
            event = stripe.Webhook.construct_event(
                payload, signature, settings.STRIPE_WEBHOOK_SECRET
            )
        except stripe.SignatureVerificationError as refused:
            raise WebhookSignatureInvalid(
                "The Stripe-Signature header is missing, wrong or too old."
            ) from refused
        except ValueError as unreadable:
            raise WebhookSignatureInvalid("The payload is not a Stripe event.") from unreadable
        kind = KINDS.get(event["type"])
        charge = event["data"]["object"].to_dict()
        if kind is None or (kind == "charge_refunded" and not charge.get("refunded")):
            return None  # not ours to reconcile; a partial refund does not refund the payment
        return GatewayEvent(
            event_id=event["id"],
            kind=kind,
            reference=_intent_id(charge, kind),
            payment_id=_our_payment_id(charge),
            failure_reason=_failure_reason(charge),
        )


def _intent_id(charge: Any, kind: GatewayEventKind) -> str:
    """The PaymentIntent's id: the object itself, or the one a refunded Charge belongs to."""
    if kind == "charge_refunded":
        return str(charge.get("payment_intent") or "")
    return str(charge.get("id") or "")


def _our_payment_id(charge: Any) -> PaymentId | None:
    raw = (charge.get("metadata") or {}).get("payment_id")
    try:
        return PaymentId(raw) if raw else None
    except ValueError:
        return None


def _failure_reason(charge: Any) -> FailureReason:
    error = charge.get("last_payment_error") or {}
    needs_action = charge.get("status") == "requires_action"
    if needs_action or error.get("code") == "authentication_required":
        return "authentication_required"
    return "declined"
