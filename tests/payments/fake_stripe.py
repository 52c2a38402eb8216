"""A local fake of Stripe's API, for the SDK to talk to (`STRIPE_API_BASE`): a small
threaded HTTP server answering `/v1/payment_intents` and `/v1/refunds` as Stripe does for
its test payment methods, honouring `Idempotency-Key` like Stripe (a finished answer is
replayed for the same key; a 5xx is not kept; a key whose first request is still being
processed is a 409 `idempotency_error`), and scriptable: fail or stall the next calls.

    with FakeStripe() as fake:
        gateway = StripeGateway(StripeSettings(api_key="sk_test_x", api_base=fake.url))
        fake.fail_next(1, status=500)
"""

import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl

from tests.support.processes import free_port


@dataclass(frozen=True, slots=True)
class Seen:
    path: str
    idempotency_key: str
    form: dict[str, str]


@dataclass
class Scripted:
    status: int | None = None
    stall_seconds: float = 0.0
    answers_after_stall: bool = False


@dataclass
class FakeStripe:
    requests: list[Seen] = field(default_factory=list)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    _answers: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    _script: deque[Scripted] = field(default_factory=deque)
    _ids: Any = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _in_flight: set[str] = field(default_factory=set)
    _idle: threading.Condition = field(default_factory=threading.Condition)

    def __enter__(self) -> Self:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                key = self.headers.get("Idempotency-Key", "")
                status, body = fake.answer(self.path, key, form)
                raw = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout under test)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the tests read `requests`."""

        self._server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def fail_next(self, count: int, *, status: int = 500) -> None:
        self._script.extend(Scripted(status=status) for _ in range(count))

    def stall_next(self, count: int, *, seconds: float, then_answer: bool = False) -> None:
        """The next calls wait `seconds`, then fail with a 500 or (`then_answer`) answer as
        usual: a client that timed out meanwhile never sees it, but Stripe did the work."""
        self._script.extend(
            Scripted(stall_seconds=seconds, answers_after_stall=then_answer) for _ in range(count)
        )

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Until no request is being processed (a stalled one has finished)."""
        with self._idle:
            self._idle.wait_for(lambda: not self._in_flight, timeout=timeout)

    def keys_seen(self, path: str) -> list[str]:
        return [seen.idempotency_key for seen in self.requests if seen.path == path]

    def answer(self, path: str, key: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self._lock, self._idle:
            self.requests.append(Seen(path, key, form))
            if key and key in self._in_flight:
                return 409, _error("idempotency_error", IN_PROGRESS)
            scripted = self._script.popleft() if self._script else Scripted()
            if key:
                self._in_flight.add(key)
        try:
            return self._scripted_answer(path, key, form, scripted)
        finally:
            with self._idle:
                self._in_flight.discard(key)
                self._idle.notify_all()

    def _scripted_answer(
        self, path: str, key: str, form: dict[str, str], scripted: Scripted
    ) -> tuple[int, dict[str, Any]]:
        if scripted.stall_seconds:
            time.sleep(scripted.stall_seconds)
            if not scripted.answers_after_stall:
                return 500, _error("api_error", "stalled")
        if scripted.status is not None:
            return scripted.status, _error("api_error", "scripted failure")
        with self._lock:
            if key and key in self._answers:
                return self._answers[key]
            status, body = self._route(path, form)
            if key:
                self._answers[key] = (status, body)
            return status, body

    def _route(self, path: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if path == "/v1/payment_intents":
            return self._payment_intent(form)
        if path == "/v1/refunds":
            return self._refund(form)
        return 404, _error("invalid_request_error", f"Unrecognized request URL {path}.")

    def _payment_intent(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        method = form.get("payment_method", "")
        intent_id = f"pi_fake{next(self._ids)}"
        intent: dict[str, Any] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": int(form["amount"]),
            "currency": form["currency"],
            "payment_method": method,
            "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
        }
        if method == "pm_card_visa":
            self.intents[intent_id] = {**intent, "status": "succeeded"}
            return 200, self.intents[intent_id]
        if method == "pm_card_authenticationRequired":
            self.intents[intent_id] = {**intent, "status": "requires_action"}
            return 200, self.intents[intent_id]
        if method == "pm_card_chargeDeclined":
            failed = {**intent, "status": "requires_payment_method"}
            self.intents[intent_id] = failed
            return 402, _error("card_error", "Your card was declined.", "card_declined", failed)
        return 400, _error("invalid_request_error", "No such PaymentMethod.", "resource_missing")

    def _refund(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        intent_id = form.get("payment_intent", "")
        if intent_id not in self.intents:
            return 400, _error(
                "invalid_request_error", "No such payment_intent.", "resource_missing"
            )
        if any(r["payment_intent"] == intent_id for r in self.refunds.values()):
            return 400, _error(
                "invalid_request_error", "Already refunded.", "charge_already_refunded"
            )
        refund = {
            "id": f"re_fake{next(self._ids)}",
            "object": "refund",
            "status": "succeeded",
            "payment_intent": intent_id,
            "amount": self.intents[intent_id]["amount"],
        }
        self.refunds[refund["id"]] = refund
        return 200, refund


IN_PROGRESS = (
    "There is currently another in-progress request using this Idempotent Key (that probably "
    "means you submitted twice, and the other request is still going through). Please try "
    "again later."
)


def _error(
    kind: str, message: str, code: str = "", intent: dict[str, Any] | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"type": kind, "message": message}
    if code:
        error["code"] = code
    if intent is not None:
        error["payment_intent"] = intent
    return {"error": error}
