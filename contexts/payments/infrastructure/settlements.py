"""A payment's gateway work starts once the unit of work that made it due has committed:
the gateway is never called while a transaction (or a row lock) is open, and never for a
change that rolled back. A start lost to a crash or a broker down is run by the sweep."""

from django.db import transaction

from contexts.payments.application.ports import Settlements
from contexts.payments.domain.payment import PaymentId
from contexts.payments.tasks import settle_payment


class CeleryAfterCommitSettlements(Settlements):
    def settle_after_commit(self, payment_id: PaymentId) -> None:
        # robust: a broker down must not undo the commit's effects; the sweep runs it later.
        transaction.on_commit(lambda: settle_payment.delay(str(payment_id)), robust=True)
