"""Payments' public face: the events it publishes (ARCHITECTURE.md §3, §4). Version 1.

The only module of payments another context may import; pure Python. Every event's
`aggregate_id` is the payment's id and its `sequence` the payment's version.
"""

import uuid
from dataclasses import dataclass
from typing import Literal

from shared_kernel.domain.events import IntegrationEvent
from shared_kernel.domain.money import Money

FailureReason = Literal["declined", "authentication_required", "gateway_unavailable"]


@dataclass(frozen=True, kw_only=True)
class PaymentCaptured(IntegrationEvent):
    payment_id: uuid.UUID
    order_id: uuid.UUID
    customer_id: uuid.UUID
    amount: Money


@dataclass(frozen=True, kw_only=True)
class PaymentFailed(IntegrationEvent):
    payment_id: uuid.UUID
    order_id: uuid.UUID
    customer_id: uuid.UUID
    reason: FailureReason


@dataclass(frozen=True, kw_only=True)
class PaymentRefunded(IntegrationEvent):
    payment_id: uuid.UUID
    order_id: uuid.UUID
    customer_id: uuid.UUID
    amount: Money
