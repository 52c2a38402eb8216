"""The sandbox gateway (`PAYMENT_GATEWAY=sandbox`, the default): no network, Stripe's test
payment methods honoured, so the saga runs end to end on a laptop and in CI.

- `pm_card_visa` (and Stripe's other always-succeeding test cards listed here) succeeds;
- `pm_card_authenticationRequired` needs 3-D Secure: failed, `authentication_required`;
- `pm_sandbox_gateway_unavailable` plays a gateway that does not answer;
- `pm_card_chargeDeclined`, and any other method, is declined.
"""

from contexts.payments.application.ports import ChargeResult, GatewayUnavailable, PaymentGateway
from contexts.payments.domain.payment import Payment

SUCCEEDING = frozenset({"pm_card_visa", "pm_card_mastercard", "pm_card_amex"})
AUTHENTICATION_REQUIRED = "pm_card_authenticationRequired"
UNAVAILABLE = "pm_sandbox_gateway_unavailable"


class SandboxGateway(PaymentGateway):
    def charge(self, payment: Payment) -> ChargeResult:
        reference = f"sandbox_pi_{payment.id.hex}"
        if payment.payment_method in SUCCEEDING:
            return ChargeResult.captured(reference)
        if payment.payment_method == AUTHENTICATION_REQUIRED:
            return ChargeResult.failed("authentication_required", reference)
        if payment.payment_method == UNAVAILABLE:
            raise GatewayUnavailable("The sandbox plays a gateway that does not answer.")
        return ChargeResult.failed("declined", reference)

    def refund(self, payment: Payment) -> None:
        """Nothing leaves the sandbox, so nothing comes back: the refund always succeeds."""
