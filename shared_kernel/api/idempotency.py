"""`Idempotency-Key` on a POST endpoint (ARCHITECTURE.md §5, ADR 0027).

    class OrdersView(APIView):
        @idempotent(order_idempotency_keys)
        def post(self, request): ...

A client that sends the header may send the same request again (a timeout, a retry) and
get the first answer, with no second effect. Keys are scoped per user and route and kept
`IDEMPOTENCY_KEY_TTL_HOURS` (24). For a key seen before:

- same body (compared as parsed JSON): the first answer exactly, status and bytes, with
  `Idempotent-Replayed: true`, even if the resource has moved on since;
- another body: 422; the first request still running: 409;
- 2xx and 4xx answers are kept; a 5xx is not (the key is free again for a retry).

Keys live in the database (a table of the context using them, on `IdempotencyKeyBase`), so
they survive a restart and every web process shares them. The unique (scope, key) decides
races: of two requests at once, one inserts its claim and runs, the other finds it. The
answer is stored in the same transaction as the handler's effect, so an effect never
commits without the answer that replays it; a claim left by a crashed process is taken
over after `IN_FLIGHT_FOR`, safely, because that process committed nothing.
"""

import functools
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.http import HttpResponse, HttpResponseBase
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# A claim older than this whose request never answered is taken to be a crashed process's.
# It outlasts gunicorn's worker timeout (GUNICORN_TIMEOUT, 30 s), which ends any request.
IN_FLIGHT_FOR = timedelta(seconds=120)

Handler = Callable[..., HttpResponseBase]


class IdempotencyKeyReused(exceptions.APIException):
    status_code = 422
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was used with another request body."


class IdempotentRequestInFlight(exceptions.APIException):
    status_code = 409
    default_code = "idempotent_request_in_flight"
    default_detail = "A request with this Idempotency-Key is still being processed; retry shortly."


class IdempotencyKeyBase(models.Model):
    """One key of one caller and route, and the answer it got; `status` is null while the
    first request runs. A context subclasses it to give it a table."""

    scope = models.CharField(max_length=200)
    key = models.CharField(max_length=MAX_KEY_LENGTH)
    fingerprint = models.CharField(max_length=64)
    claim = models.UUIDField()
    created_at = models.DateTimeField(db_index=True)
    started_at = models.DateTimeField()
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True, default="")
    body = models.BinaryField(blank=True, default=b"")

    objects: ClassVar[models.Manager["IdempotencyKeyBase"]]

    class Meta:
        abstract = True
        constraints = (
            models.UniqueConstraint(
                fields=("scope", "key"), name="%(app_label)s_idempotency_key_unique"
            ),
        )

    def __str__(self) -> str:
        return f"Idempotency-Key {self.key} ({self.scope})"


@dataclass(frozen=True, slots=True)
class Claim:
    """The right to run the request under a key, held until its answer is kept."""

    scope: str
    key: str
    token: uuid.UUID


@dataclass(frozen=True, slots=True)
class KeptAnswer:
    status: int
    content_type: str
    body: bytes


class IdempotencyKeys:
    """The keys of one table: claimed, answered, released and pruned."""

    def __init__(self, model: type[IdempotencyKeyBase]) -> None:
        self.model = model

    def claim(self, *, scope: str, key: str, fingerprint: str) -> Claim | KeptAnswer:
        """A claim to run the request, or the answer kept for it; IdempotencyKeyReused for
        another body, IdempotentRequestInFlight while the first request runs."""
        now = timezone.now()
        claim = Claim(scope, key, uuid.uuid4())
        try:
            with transaction.atomic():
                self.model.objects.create(
                    scope=scope,
                    key=key,
                    fingerprint=fingerprint,
                    claim=claim.token,
                    created_at=now,
                    started_at=now,
                )
            return claim
        except IntegrityError:
            pass
        found = self.model.objects.filter(scope=scope, key=key).first()
        if found is None or found.created_at < now - ttl():
            return self._take_over(found, claim, fingerprint=fingerprint, now=now)
        if found.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        if found.status is not None:
            return KeptAnswer(found.status, found.content_type, bytes(found.body))
        if found.started_at < now - IN_FLIGHT_FOR:
            return self._take_over(found, claim, fingerprint=fingerprint, now=now)
        raise IdempotentRequestInFlight()

    def keep(self, claim: Claim, answer: KeptAnswer) -> None:
        """Store the answer; IdempotentRequestInFlight if the claim was taken over meanwhile
        (raised inside the handler's transaction, it rolls the effect back)."""
        kept = self._claimed(claim).update(
            status=answer.status, content_type=answer.content_type, body=answer.body
        )
        if not kept:
            raise IdempotentRequestInFlight()

    def release(self, claim: Claim) -> None:
        """Forget a claim whose request failed (5xx): the key may be used again."""
        self._claimed(claim).delete()

    def prune(self) -> int:
        """Delete the keys older than the TTL; how many went."""
        deleted, _ = self.model.objects.filter(created_at__lt=timezone.now() - ttl()).delete()
        return deleted

    def _take_over(
        self,
        found: IdempotencyKeyBase | None,
        claim: Claim,
        *,
        fingerprint: str,
        now: datetime,
    ) -> Claim:
        """Replace an expired key or a crashed request's claim: one conditional UPDATE, so
        of two requests doing it at once, one wins and the other is told to retry."""
        if found is None:
            raise IdempotentRequestInFlight()
        taken = self.model.objects.filter(pk=found.pk, claim=found.claim).update(
            fingerprint=fingerprint,
            claim=claim.token,
            created_at=now,
            started_at=now,
            status=None,
            content_type="",
            body=b"",
        )
        if not taken:
            raise IdempotentRequestInFlight()
        return claim

    def _claimed(self, claim: Claim) -> models.QuerySet[IdempotencyKeyBase]:
        return self.model.objects.filter(scope=claim.scope, key=claim.key, claim=claim.token)


def ttl() -> timedelta:
    """Read when used, so a changed setting (or a test's override) applies."""
    return timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def idempotent(keys: Callable[[], IdempotencyKeys]) -> Callable[[Handler], Handler]:
    """Make an APIView method honour `Idempotency-Key` with the keys `keys()` gives."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def run(view: APIView, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
            key = request.headers.get(HEADER)
            if key is None:
                return handler(view, request, *args, **kwargs)
            _check(key)
            store = keys()
            found = store.claim(scope=_scope(request), key=key, fingerprint=_fingerprint(request))
            if isinstance(found, KeptAnswer):
                return _replayed(found)
            return _answered(store, found, lambda: handler(view, request, *args, **kwargs), view)

        return run

    return decorate


class _NotKept(Exception):
    def __init__(self, response: HttpResponseBase) -> None:
        self.response = response


def _answered(
    store: IdempotencyKeys, claim: Claim, handle: Callable[[], HttpResponseBase], view: APIView
) -> HttpResponseBase:
    """Run the request; keep a 2xx answer in its own transaction, a 4xx after it rolled back."""
    try:
        with transaction.atomic():
            response = handle()
            if response.status_code >= 500:
                raise _NotKept(response)
            store.keep(claim, _kept(response))
            return response
    except _NotKept as failed:
        store.release(claim)
        return failed.response
    except IdempotentRequestInFlight:  # the claim was taken over: this effect rolled back
        raise
    except Exception as exc:  # answered as the view would, then kept unless a 5xx
        response = view.handle_exception(exc)
        if response.status_code >= 500:
            store.release(claim)
        else:
            store.keep(claim, _kept(response))
        return response


def _check(key: str) -> None:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
        raise exceptions.ValidationError(
            {HEADER: [f"Send 1 to {MAX_KEY_LENGTH} printable ASCII characters."]}
        )


def _scope(request: Request) -> str:
    return f"{request.user.pk} {request.method} {request.path}"


def _fingerprint(request: Request) -> str:
    """The body as parsed JSON, in one canonical spelling: key order and spacing aside."""
    canonical = json.dumps(
        request.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _kept(response: HttpResponseBase) -> KeptAnswer:
    data = getattr(response, "data", None)
    body = JSONRenderer().render(data) if data is not None else b""
    content_type = getattr(response, "content_type", None) or "application/json"
    return KeptAnswer(response.status_code, content_type, body)


def _replayed(answer: KeptAnswer) -> HttpResponse:
    response = HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
    response[REPLAYED_HEADER] = "true"
    return response
