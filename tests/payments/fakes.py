"""In-memory fakes of payments' ports, and the use cases composed on them as the app
composes them on Django's adapters (`compose_use_cases`)."""

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from contexts.ordering.contracts import OrderingFacade
from contexts.payments.application.ports import (
    ChargeResult,
    GatewayEvent,
    GatewayEventLog,
    OrderGate,
    OrderGates,
    PaymentGateway,
    PaymentQueries,
    PaymentRepository,
    PaymentView,
    Settlements,
    WebhookReader,
    WebhookSignatureInvalid,
)
from contexts.payments.application.services import (
    PaymentsPorts,
    PaymentsUseCases,
    compose_use_cases,
)
from contexts.payments.domain.errors import PaymentNotFound
from contexts.payments.domain.payment import Payment, PaymentId, PaymentStatus
from shared_kernel.application.pages import Page, PageRequest
from shared_kernel.domain.errors import Conflict
from tests.support.fakes import FakeClock, FakeUnitOfWork, InMemoryRepository, InMemoryStore


class InMemoryPayments(InMemoryRepository[Payment], PaymentRepository):
    def __init__(self, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.clock = clock
        self.touched: dict[str, datetime] = {}

    def get(self, payment_id: PaymentId) -> Payment:
        found = self.find(payment_id)
        if found is None:
            raise PaymentNotFound(f"No payment with id {payment_id}.")
        return found

    def find(self, payment_id: PaymentId) -> Payment | None:
        return self._load(str(payment_id))

    def find_by_order(self, order_id: uuid.UUID) -> Payment | None:
        return next((p for p in self._all() if p.order_id == order_id), None)

    def find_by_reference(self, reference: str) -> Payment | None:
        return next((p for p in self._all() if p.gateway_reference == reference), None)

    def add(self, payment: Payment) -> None:
        if self.find_by_order(payment.order_id) is not None:
            raise Conflict("This order has a payment already.")
        self._insert(payment)
        self.touched[str(payment.id)] = self.clock()

    def save(self, payment: Payment) -> None:
        self._update(payment)
        self.touched[str(payment.id)] = self.clock()

    def claim_awaiting_gateway(
        self, *, untouched_since: datetime, now: datetime, limit: int
    ) -> list[PaymentId]:
        due = sorted(
            (
                p
                for p in self._all()
                if (p.status is PaymentStatus.PENDING or p.refund_due)
                and self.touched[str(p.id)] <= untouched_since
            ),
            key=lambda p: self.touched[str(p.id)],
        )[:limit]
        self.touched.update((str(p.id), now) for p in due)
        return [p.id for p in due]


class InMemoryGates(InMemoryStore, OrderGates):
    def hold(self, order_id: uuid.UUID) -> OrderGate:
        gate = self.rows.setdefault(str(order_id), OrderGate(order_id=order_id))
        assert isinstance(gate, OrderGate)
        return gate

    def close(self, order_id: uuid.UUID, *, sequence: int, at: datetime) -> None:
        if not self.hold(order_id).is_closed:
            self.rows[str(order_id)] = OrderGate(order_id, at, sequence)


class RecordedSettlements(Settlements):
    """Notes what would run after commit; `run_all` runs it, as the task would."""

    def __init__(self) -> None:
        self.due: list[PaymentId] = []

    def settle_after_commit(self, payment_id: PaymentId) -> None:
        self.due.append(payment_id)

    def take(self) -> list[PaymentId]:
        due, self.due = self.due, []
        return due


class ScriptedGateway(PaymentGateway):
    """Answers each charge by the payment method, like the sandbox, or by a script set per
    test; counts every call with its idempotency key."""

    def __init__(self) -> None:
        self.charges: list[str] = []
        self.refunds: list[str] = []
        self.next_charge: ChargeResult | Exception | None = None
        self.refund_error: Exception | None = None
        self.during_charge: Callable[[], None] | None = None
        self.during_refund: Callable[[], None] | None = None

    def charge(self, payment: Payment) -> ChargeResult:
        self.charges.append(payment.charge_key)
        if self.during_charge is not None:
            self.during_charge()
        scripted, self.next_charge = self.next_charge, None
        if isinstance(scripted, Exception):
            raise scripted
        if scripted is not None:
            return scripted
        if payment.payment_method == "pm_card_visa":
            return ChargeResult.captured(f"pi_{payment.id.hex}")
        return ChargeResult.failed("declined", f"pi_{payment.id.hex}")

    def refund(self, payment: Payment) -> None:
        self.refunds.append(payment.refund_key)
        if self.during_refund is not None:
            self.during_refund()
        if self.refund_error is not None:
            raise self.refund_error


class FakeWebhooks(WebhookReader):
    """A payload is accepted when signed "good"; the test hands the event it carries."""

    def __init__(self) -> None:
        self.events: dict[bytes, GatewayEvent] = {}

    def read(self, payload: bytes, signature: str) -> GatewayEvent | None:
        if signature != "good":
            raise WebhookSignatureInvalid("No valid signature.")
        return self.events.get(payload)


class InMemoryGatewayEvents(InMemoryStore, GatewayEventLog):
    def __init__(self, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.clock = clock

    def first_time(self, event_id: str) -> bool:
        if event_id in self.rows:
            return False
        self.rows[event_id] = self.clock()
        return True

    def prune(self, *, received_before: datetime) -> int:
        old = [
            event_id
            for event_id, at in self.rows.items()
            if isinstance(at, datetime) and at < received_before
        ]
        for event_id in old:
            del self.rows[event_id]
        return len(old)


class FakeOrdering(OrderingFacade):
    """Ordering's facade: which customer placed which order, as the test says."""

    def __init__(self) -> None:
        self.customers: dict[uuid.UUID, uuid.UUID] = {}

    def customer_of(self, order_id: uuid.UUID) -> uuid.UUID | None:
        return self.customers.get(order_id)


class InMemoryPaymentQueries(PaymentQueries):
    def __init__(self, payments: InMemoryPayments) -> None:
        self.payments = payments

    def of_order(self, order_id: uuid.UUID, page: PageRequest) -> Page[PaymentView]:
        found = self.payments.find_by_order(order_id)
        if found is None:
            return Page(items=())
        view = PaymentView(
            id=found.id,
            order_id=found.order_id,
            status=found.status.value,
            amount=found.amount,
            failure_reason=found.failure_reason,
        )
        return Page(items=(view,))


class PaymentsFakes:
    def __init__(self) -> None:
        self.clock = FakeClock()
        self.payments = InMemoryPayments(self.clock)
        self.gates = InMemoryGates()
        self.gateway_events = InMemoryGatewayEvents(self.clock)
        self.uow = FakeUnitOfWork(stores=[self.payments, self.gates, self.gateway_events])
        self.settlements = RecordedSettlements()
        self.gateway: PaymentGateway = ScriptedGateway()
        self.webhooks = FakeWebhooks()
        self.orders = FakeOrdering()

    def ports(self) -> PaymentsPorts:
        orders = self.orders
        return PaymentsPorts(
            uow=self.uow.factory,
            payments=self.payments,
            gates=self.gates,
            settlements=self.settlements,
            gateway=self.gateway,
            webhooks=self.webhooks,
            gateway_events=self.gateway_events,
            queries=InMemoryPaymentQueries(self.payments),
            orders=lambda: orders,
            clock=self.clock,
            settle_grace=lambda: timedelta(minutes=2),
            gateway_event_retention=lambda: timedelta(days=30),
        )

    def use_cases(self) -> PaymentsUseCases:
        return compose_use_cases(self.ports())

    def settle_due(self) -> None:
        """Run what the after-commit hook would have started, until nothing is due."""
        use_cases = self.use_cases()
        while due := self.settlements.take():
            for payment_id in due:
                use_cases.settle_payment(payment_id=payment_id)
