"""Stripe's webhook signature, made as Stripe makes it: `t=<unix time>,v1=<HMAC-SHA256 of
"<t>.<payload>" with the endpoint's secret>`."""

import hashlib
import hmac
import json
import time
from typing import Any

SECRET = "whsec_test_secret"


def signature(payload: bytes, *, secret: str = SECRET, at: float | None = None) -> str:
    timestamp = int(at if at is not None else time.time())
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def stripe_event(event_id: str, kind: str, obj: dict[str, Any]) -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": kind,
            "api_version": "2025-01-27",
            "created": int(time.time()),
            "data": {"object": obj},
        }
    ).encode()
