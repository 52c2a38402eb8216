"""Payments' use cases, wired once: the ports they take, the set they form, and where the
API, admin, subscribers and tasks fetch them.

`compose_use_cases(ports)` is the one composition function: `bootstrap.py` passes Django's
adapters and the gateway `PAYMENT_GATEWAY` names, `tests/payments/fakes.py` in-memory fakes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from contexts.ordering.contracts import OrderingFacade
from contexts.payments.application.ports import (
    GatewayEventLog,
    OrderGates,
    PaymentGateway,
    PaymentQueries,
    PaymentRepository,
    Settlements,
    WebhookReader,
)
from contexts.payments.application.queries import ListOrderPayments
from contexts.payments.application.use_cases import (
    CloseOrderPayment,
    NewUnitOfWork,
    OpenPayment,
    PruneGatewayEvents,
    ReconcileGatewayEvent,
    SettlePayment,
    SweepSettlements,
)
from shared_kernel.application.clock import Clock
from shared_kernel.application.provider import Provider
from shared_kernel.application.wiring import compose


@dataclass(frozen=True, kw_only=True, slots=True)
class PaymentsPorts:
    uow: NewUnitOfWork
    payments: PaymentRepository
    gates: OrderGates
    settlements: Settlements
    gateway: PaymentGateway
    webhooks: WebhookReader
    gateway_events: GatewayEventLog
    queries: PaymentQueries
    orders: Callable[[], OrderingFacade]
    clock: Clock
    settle_grace: Callable[[], timedelta]
    gateway_event_retention: Callable[[], timedelta]


@dataclass(frozen=True, slots=True)
class PaymentsUseCases:
    open_payment: OpenPayment
    close_order_payment: CloseOrderPayment
    settle_payment: SettlePayment
    reconcile_gateway_event: ReconcileGatewayEvent
    sweep_settlements: SweepSettlements
    prune_gateway_events: PruneGatewayEvents
    list_order_payments: ListOrderPayments


def compose_use_cases(ports: PaymentsPorts) -> PaymentsUseCases:
    return compose(PaymentsUseCases, ports)


payments_use_cases = Provider[PaymentsUseCases]("Payments' use cases")
