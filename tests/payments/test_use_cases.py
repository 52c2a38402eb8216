"""Payments' use cases on in-memory fakes: the saga's payment steps, each idempotent and
tolerant of events arriving out of order, with the gateway scripted."""

import uuid
from datetime import timedelta

import pytest

import contexts.payments.application.use_cases as use_case_module
from contexts.payments.application.ports import (
    ChargeResult,
    GatewayBusy,
    GatewayEvent,
    GatewayUnavailable,
    RefundRefused,
    WebhookSignatureInvalid,
)
from contexts.payments.application.queries import OrderNotFound
from contexts.payments.contracts import PaymentCaptured, PaymentFailed, PaymentRefunded
from contexts.payments.domain.payment import Payment, PaymentStatus
from shared_kernel.application.pages import PageRequest
from shared_kernel.domain.aggregate import StaleAggregate
from shared_kernel.domain.money import Money
from tests.payments.fakes import PaymentsFakes

AMOUNT = Money.of("42.00", "EUR")


@pytest.fixture
def fakes() -> PaymentsFakes:
    return PaymentsFakes()


def request_payment(
    fakes: PaymentsFakes, order_id: uuid.UUID | None = None, method: str = "pm_card_visa"
) -> Payment | None:
    return fakes.use_cases().open_payment(
        order_id=order_id or uuid.uuid4(),
        customer_id=uuid.UUID(int=7),
        amount=AMOUNT,
        payment_method=method,
    )


def stored(fakes: PaymentsFakes, payment: Payment | None) -> Payment:
    assert payment is not None
    return fakes.payments.get(payment.id)


def event_types(fakes: PaymentsFakes) -> list[str]:
    return [type(event).__name__ for event in fakes.uow.events]


class TestOpenAndCharge:
    def test_a_request_records_a_pending_payment_and_charges_only_after_commit(self, fakes):
        payment = request_payment(fakes)
        assert stored(fakes, payment).status is PaymentStatus.PENDING
        assert fakes.gateway.charges == []
        assert fakes.settlements.due == [payment.id]

    def test_a_good_card_is_captured_once(self, fakes):
        payment = request_payment(fakes)
        fakes.settle_due()
        captured = stored(fakes, payment)
        assert captured.status is PaymentStatus.CAPTURED
        assert captured.gateway_reference == f"pi_{payment.id.hex}"
        assert fakes.uow.events == [
            PaymentCaptured(
                payment_id=payment.id,
                order_id=payment.order_id,
                customer_id=payment.customer_id,
                amount=AMOUNT,
            )
        ]
        assert fakes.gateway.charges == [payment.charge_key]

    def test_a_declined_card_fails_with_its_reason(self, fakes):
        payment = request_payment(fakes, method="pm_card_chargeDeclined")
        fakes.settle_due()
        failed = stored(fakes, payment)
        assert (failed.status, failed.failure_reason) == (PaymentStatus.FAILED, "declined")
        assert fakes.uow.events == [
            PaymentFailed(
                payment_id=payment.id,
                order_id=payment.order_id,
                customer_id=payment.customer_id,
                reason="declined",
            )
        ]

    def test_authentication_required_fails_the_payment(self, fakes):
        payment = request_payment(fakes)
        fakes.gateway.next_charge = ChargeResult.failed("authentication_required", "pi_3ds")
        fakes.settle_due()
        assert stored(fakes, payment).failure_reason == "authentication_required"

    def test_a_gateway_that_does_not_answer_fails_it_as_unavailable(self, fakes):
        payment = request_payment(fakes)
        fakes.gateway.next_charge = GatewayUnavailable("breaker open")
        fakes.settle_due()
        assert stored(fakes, payment).failure_reason == "gateway_unavailable"
        assert event_types(fakes) == ["PaymentFailed"]

    def test_a_repeated_request_for_the_order_keeps_one_payment_and_charges_once(self, fakes):
        order_id = uuid.uuid4()
        first = request_payment(fakes, order_id)
        again = request_payment(fakes, order_id)
        assert first is not None
        assert again is not None
        assert again.id == first.id
        fakes.settle_due()
        assert fakes.gateway.charges == [first.charge_key]
        request_payment(fakes, order_id)  # after the capture: nothing more to do
        assert fakes.settlements.due == []
        assert event_types(fakes) == ["PaymentCaptured"]

    def test_settling_a_settled_payment_calls_no_gateway(self, fakes):
        payment = request_payment(fakes)
        fakes.settle_due()
        fakes.use_cases().settle_payment(payment_id=payment.id)
        assert len(fakes.gateway.charges) == 1


class TestOrderClosed:
    def test_a_rejected_order_voids_its_pending_payment_which_is_never_charged(self, fakes):
        payment = request_payment(fakes)
        fakes.use_cases().close_order_payment(order_id=payment.order_id, sequence=5)
        fakes.settle_due()
        assert stored(fakes, payment).status is PaymentStatus.VOIDED
        assert fakes.gateway.charges == []
        assert fakes.uow.events == []

    def test_a_rejection_met_before_the_request_means_no_payment_ever(self, fakes):
        order_id = uuid.uuid4()
        assert fakes.use_cases().close_order_payment(order_id=order_id, sequence=5) is None
        assert request_payment(fakes, order_id) is None
        fakes.settle_due()
        assert fakes.payments.find_by_order(order_id) is None
        assert fakes.gateway.charges == []

    def test_a_captured_payment_of_a_closed_order_is_refunded_once(self, fakes):
        payment = request_payment(fakes)
        fakes.settle_due()
        use_cases = fakes.use_cases()
        use_cases.close_order_payment(order_id=payment.order_id, sequence=7)
        use_cases.close_order_payment(order_id=payment.order_id, sequence=7)
        fakes.settle_due()
        assert stored(fakes, payment).status is PaymentStatus.REFUNDED
        assert fakes.gateway.refunds == [payment.refund_key]
        assert event_types(fakes) == ["PaymentCaptured", "PaymentRefunded"]
        assert fakes.uow.events[-1] == PaymentRefunded(
            payment_id=payment.id,
            order_id=payment.order_id,
            customer_id=payment.customer_id,
            amount=AMOUNT,
        )

    def test_a_failed_payment_of_a_rejected_order_stays_failed(self, fakes):
        payment = request_payment(fakes, method="pm_card_chargeDeclined")
        fakes.settle_due()
        fakes.use_cases().close_order_payment(order_id=payment.order_id, sequence=6)
        fakes.settle_due()
        assert stored(fakes, payment).status is PaymentStatus.FAILED
        assert fakes.gateway.refunds == []

    def test_an_order_closed_while_its_charge_is_in_flight_gets_the_money_back(self, fakes):
        payment = request_payment(fakes)
        use_cases = fakes.use_cases()
        fakes.gateway.during_charge = lambda: use_cases.close_order_payment(
            order_id=payment.order_id, sequence=9
        )
        fakes.settle_due()
        returned = stored(fakes, payment)
        assert returned.status is PaymentStatus.REFUNDED
        assert fakes.gateway.refunds == [payment.refund_key]
        assert event_types(fakes) == ["PaymentRefunded"]

    def test_a_refund_the_gateway_would_not_take_stays_due_for_the_sweep(self, fakes):
        payment = request_payment(fakes)
        fakes.settle_due()
        fakes.gateway.refund_error = GatewayUnavailable("down")
        fakes.use_cases().close_order_payment(order_id=payment.order_id, sequence=7)
        with pytest.raises(GatewayUnavailable):
            fakes.settle_due()
        assert stored(fakes, payment).refund_due
        fakes.gateway.refund_error = None
        fakes.clock.advance(minutes=3)
        assert fakes.use_cases().sweep_settlements() == [payment.id]
        fakes.settle_due()
        assert stored(fakes, payment).status is PaymentStatus.REFUNDED


class TestSweep:
    def test_a_pending_payment_whose_charge_was_lost_is_charged_by_the_sweep(self, fakes):
        payment = request_payment(fakes)
        fakes.settlements.take()  # the after-commit run never happened (a crash)
        assert fakes.use_cases().sweep_settlements() == []  # too recent: maybe in flight
        fakes.clock.advance(minutes=3)
        assert fakes.use_cases().sweep_settlements() == [payment.id]
        fakes.settle_due()
        assert stored(fakes, payment).status is PaymentStatus.CAPTURED
        assert fakes.gateway.charges == [payment.charge_key]

    def test_a_charge_retried_after_a_lost_answer_uses_the_same_key(self, fakes):
        payment = request_payment(fakes)
        fakes.gateway.during_charge = lambda: fakes.uow.stores.clear()
        fakes.gateway.next_charge = RuntimeError("worker killed before recording")
        with pytest.raises(RuntimeError):
            fakes.settle_due()
        fakes.gateway.during_charge = None
        fakes.clock.advance(minutes=3)
        fakes.use_cases().sweep_settlements()
        fakes.settle_due()
        assert fakes.gateway.charges == [payment.charge_key, payment.charge_key]
        assert stored(fakes, payment).status is PaymentStatus.CAPTURED

    def test_a_refund_the_gateway_refuses_for_good_is_left_to_staff_not_swept(self, fakes):
        payment = request_payment(fakes)
        fakes.settle_due()
        fakes.gateway.refund_error = RefundRefused("charge_disputed")
        fakes.use_cases().close_order_payment(order_id=payment.order_id, sequence=7)

        fakes.settle_due()

        refused = stored(fakes, payment)
        assert refused.status is PaymentStatus.CAPTURED
        assert not refused.refund_due
        assert refused.refund_refusal == "charge_disputed"
        fakes.clock.advance(minutes=30)
        assert fakes.use_cases().sweep_settlements() == [], "never asked again"
        assert fakes.gateway.refunds == [payment.refund_key]
        assert "PaymentRefunded" not in event_types(fakes)

    def test_a_charge_or_refund_the_gateway_is_still_at_work_on_is_left_due(self, fakes):
        """GatewayBusy: another run holds the request; nothing is recorded here, and the
        sweep later gets the gateway's answer (replayed for the same key)."""
        payment = request_payment(fakes)
        fakes.gateway.next_charge = GatewayBusy("key in flight")
        fakes.settle_due()
        assert stored(fakes, payment).status is PaymentStatus.PENDING
        assert fakes.uow.events == []
        fakes.clock.advance(minutes=3)
        assert fakes.use_cases().sweep_settlements() == [payment.id]
        fakes.settle_due()
        assert stored(fakes, payment).status is PaymentStatus.CAPTURED
        fakes.gateway.refund_error = GatewayBusy("key in flight")
        fakes.use_cases().close_order_payment(order_id=payment.order_id, sequence=7)
        fakes.settle_due()
        assert stored(fakes, payment).refund_due
        assert event_types(fakes) == ["PaymentCaptured"]

    def test_the_sweep_calls_no_gateway_and_claims_what_it_starts(self, fakes):
        """Each payment it takes is settled by a task of its own; a second sweep (beat's
        next, or one running at once) leaves it alone for a grace period."""
        payment = request_payment(fakes)
        fakes.settlements.take()
        fakes.clock.advance(minutes=3)
        assert fakes.use_cases().sweep_settlements() == [payment.id]
        assert fakes.gateway.charges == []
        assert fakes.settlements.due == [payment.id]
        assert fakes.use_cases().sweep_settlements() == []
        fakes.clock.advance(minutes=3)
        assert fakes.use_cases().sweep_settlements() == [payment.id]

    def test_a_sweep_starts_a_batch_at_most_oldest_first(self, fakes, monkeypatch):
        monkeypatch.setattr(use_case_module, "SWEEP_BATCH", 2)
        payments = []
        for _ in range(3):
            payments.append(request_payment(fakes))
            fakes.clock.advance(seconds=1)
        fakes.settlements.take()
        fakes.clock.advance(minutes=3)
        assert fakes.use_cases().sweep_settlements() == [p.id for p in payments[:2]]
        assert fakes.use_cases().sweep_settlements() == [payments[2].id]


class TestRecordingIsConditional:
    def test_a_stale_save_is_read_again_and_the_answer_reapplied(self, fakes):
        payment = request_payment(fakes)
        saves: list[int] = []
        real_save = fakes.payments.save

        def stale_once(changed: Payment) -> None:
            saves.append(changed.version)
            if len(saves) == 1:
                raise StaleAggregate(changed)
            real_save(changed)

        fakes.payments.save = stale_once
        fakes.settle_due()
        assert len(saves) == 2
        assert stored(fakes, payment).status is PaymentStatus.CAPTURED
        assert event_types(fakes) == ["PaymentCaptured"]
        assert len(fakes.gateway.charges) == 1

    def test_a_save_stale_every_time_gives_up(self, fakes):
        payment = request_payment(fakes)

        def always_stale(changed: Payment) -> None:
            raise StaleAggregate(changed)

        fakes.payments.save = always_stale
        with pytest.raises(StaleAggregate):
            fakes.settle_due()
        assert fakes.payments.get(payment.id).status is PaymentStatus.PENDING


def webhook(fakes: PaymentsFakes, event: GatewayEvent, signature: str = "good") -> Payment | None:
    payload = event.event_id.encode()
    fakes.webhooks.events[payload] = event
    return fakes.use_cases().reconcile_gateway_event(payload=payload, signature=signature)


class TestReconcile:
    def test_a_charge_whose_answer_was_lost_lands_by_our_id(self, fakes):
        payment = request_payment(fakes)
        fakes.settlements.take()
        webhook(fakes, GatewayEvent("evt_1", "charge_succeeded", "pi_x", payment_id=payment.id))
        assert stored(fakes, payment).status is PaymentStatus.CAPTURED
        assert stored(fakes, payment).gateway_reference == "pi_x"
        assert event_types(fakes) == ["PaymentCaptured"]

    def test_a_replayed_event_has_no_second_effect(self, fakes):
        payment = request_payment(fakes)
        fakes.settle_due()
        refund = GatewayEvent("evt_2", "charge_refunded", f"pi_{payment.id.hex}")
        webhook(fakes, refund)
        fakes.uow.published.clear()
        assert webhook(fakes, refund) is None
        assert fakes.uow.events == []
        assert stored(fakes, payment).status is PaymentStatus.REFUNDED

    def test_a_refund_made_in_the_dashboard_refunds_the_payment(self, fakes):
        payment = request_payment(fakes)
        fakes.settle_due()
        webhook(fakes, GatewayEvent("evt_3", "charge_refunded", f"pi_{payment.id.hex}"))
        assert event_types(fakes) == ["PaymentCaptured", "PaymentRefunded"]

    def test_a_failed_charge_fails_a_pending_payment_with_its_reason(self, fakes):
        payment = request_payment(fakes)
        fakes.settlements.take()
        webhook(
            fakes,
            GatewayEvent(
                "evt_4",
                "charge_failed",
                "pi_y",
                payment_id=payment.id,
                failure_reason="authentication_required",
            ),
        )
        assert stored(fakes, payment).failure_reason == "authentication_required"

    def test_a_late_success_for_a_voided_payment_is_refunded(self, fakes):
        payment = request_payment(fakes)
        fakes.settlements.take()
        fakes.use_cases().close_order_payment(order_id=payment.order_id, sequence=4)
        webhook(fakes, GatewayEvent("evt_5", "charge_succeeded", "pi_z", payment_id=payment.id))
        fakes.settle_due()
        assert stored(fakes, payment).status is PaymentStatus.REFUNDED
        assert fakes.gateway.refunds == [payment.refund_key]

    def test_news_of_a_settled_payment_or_of_a_charge_not_ours_changes_nothing(self, fakes):
        payment = request_payment(fakes, method="pm_card_chargeDeclined")
        fakes.settle_due()
        version = stored(fakes, payment).version
        webhook(fakes, GatewayEvent("evt_6", "charge_failed", payment.gateway_reference))
        webhook(fakes, GatewayEvent("evt_7", "charge_refunded", payment.gateway_reference))
        assert webhook(fakes, GatewayEvent("evt_8", "charge_succeeded", "pi_unknown")) is None
        assert stored(fakes, payment).version == version
        assert event_types(fakes) == ["PaymentFailed"]

    def test_a_bad_signature_changes_nothing(self, fakes):
        payment = request_payment(fakes)
        event = GatewayEvent("evt_9", "charge_succeeded", "pi_q", payment_id=payment.id)
        with pytest.raises(WebhookSignatureInvalid):
            webhook(fakes, event, signature="forged")
        assert stored(fakes, payment).status is PaymentStatus.PENDING
        assert fakes.gateway_events.first_time("evt_9")


def test_the_sweep_waits_out_its_grace_period(fakes):
    payment = request_payment(fakes)
    fakes.settlements.take()
    fakes.clock.advance(seconds=timedelta(minutes=2).total_seconds() - 1)
    assert fakes.use_cases().sweep_settlements() == []
    fakes.clock.advance(seconds=1)
    assert fakes.use_cases().sweep_settlements() == [payment.id]


class TestListOrderPayments:
    def list_as(self, fakes, order_id, caller, *, staff=False):
        return fakes.use_cases().list_order_payments(
            order_id=order_id, caller_id=caller, caller_is_staff=staff, page=PageRequest()
        )

    def test_the_customer_sees_their_orders_payments(self, fakes):
        payment = request_payment(fakes)
        fakes.orders.customers[payment.order_id] = payment.customer_id
        [seen] = self.list_as(fakes, payment.order_id, payment.customer_id).items
        assert (seen.id, seen.status, seen.amount) == (payment.id, "pending", AMOUNT)

    def test_staff_see_any_orders_payments(self, fakes):
        payment = request_payment(fakes)
        fakes.orders.customers[payment.order_id] = payment.customer_id
        assert len(self.list_as(fakes, payment.order_id, uuid.uuid4(), staff=True).items) == 1

    def test_another_customers_order_is_not_found(self, fakes):
        payment = request_payment(fakes)
        fakes.orders.customers[payment.order_id] = payment.customer_id
        with pytest.raises(OrderNotFound):
            self.list_as(fakes, payment.order_id, uuid.uuid4())

    @pytest.mark.parametrize("staff", [False, True])
    def test_an_unknown_order_is_not_found(self, fakes, staff):
        with pytest.raises(OrderNotFound):
            self.list_as(fakes, uuid.uuid4(), uuid.uuid4(), staff=staff)
