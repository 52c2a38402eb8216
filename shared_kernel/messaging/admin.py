"""The outbox in the back-office: events, deliveries and dead letters, read-only, with the
replay and skip actions of `manage.py outbox` (both call `operations`). Payloads are shown
with their secret fields masked."""

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from shared_kernel.messaging import operations
from shared_kernel.messaging.models import DeadLetter, Delivery, InboxEntry, OutboxEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the bus are evidence: looked at, never edited by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ("subscriber", "mode", "status", "attempts", "failures", "settled_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ("event_type", "version", "publisher", "aggregate_id", "sequence", "occurred_at")
    list_filter = ("event_type", "publisher", "occurred_at")
    search_fields = ("=id", "=aggregate_id", "=correlation_id")
    date_hierarchy = "occurred_at"
    exclude = ("payload",)
    readonly_fields = (
        "id", "event_type", "version", "publisher", "occurred_at", "aggregate_id", "sequence",
        "correlation_id", "causation_id", "masked_payload",
    )  # fmt: skip
    inlines = (DeliveryInline,)

    @admin.display(description="payload (secrets masked)")
    def masked_payload(self, event: OutboxEvent) -> SafeString:
        return format_html("<pre>{}</pre>", json.dumps(operations.shown_payload(event), indent=2))


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "id", "event_type", "subscriber", "mode", "status", "state_age", "attempts", "failures",
        "available_at", "settled_at",
    )  # fmt: skip
    list_filter = ("status", "subscriber", "mode", "queue", "event__event_type")
    search_fields = ("=event__id", "subscriber")
    list_select_related = ("event",)
    readonly_fields = (
        "event", "subscriber", "mode", "queue", "status", "state_age", "attempts", "failures",
        "handovers", "available_at", "handed_over_at", "started_at", "settled_at",
        "created_at", "last_error", "masked_payload",
    )  # fmt: skip
    actions = ("replay", "skip")

    @admin.display(description="event", ordering="event__event_type")
    def event_type(self, delivery: Delivery) -> str:
        return f"{delivery.event.event_type} v{delivery.event.version}"

    @admin.display(description="for")
    def state_age(self, delivery: Delivery) -> str:
        """Running: since its run started; waiting to start: since it was published."""
        since = operations.state_since(delivery)
        return "" if since is None else timesince(since)

    @admin.display(description="payload (secrets masked)")
    def masked_payload(self, delivery: Delivery) -> SafeString:
        return format_html(
            "<pre>{}</pre>", json.dumps(operations.shown_payload(delivery.event), indent=2)
        )

    @admin.action(description="Replay: hand over again with a fresh set of attempts")
    def replay(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = operations.replay(queryset)
        self.message_user(request, f"{count} deliveries replayed.", messages.SUCCESS)

    @admin.action(description="Skip: settle without running the subscriber")
    def skip(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = operations.skip(queryset)
        self.message_user(request, f"{count} deliveries skipped.", messages.SUCCESS)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Actions need change permission; the form stays read-only (readonly_fields)."""
        codename = f"{self.opts.app_label}.change_{self.opts.model_name}"
        return bool(request.user.has_perm(codename))


@admin.register(DeadLetter)
class DeadLetterAdmin(DeliveryAdmin):
    def get_list_display(self, request: HttpRequest) -> tuple[str, ...]:
        return ("id", "event_type", "subscriber", "attempts", "settled_at", "error")

    def get_list_filter(self, request: HttpRequest) -> tuple[str, ...]:
        return ("subscriber", "event__event_type", "settled_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Delivery]:
        return super().get_queryset(request).filter(status=Delivery.Status.DEAD)

    @admin.display(description="last error")
    def error(self, delivery: DeadLetter) -> str:
        lines = delivery.last_error.strip().splitlines()
        return lines[-1][:200] if lines else ""


@admin.register(InboxEntry)
class InboxEntryAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "subscriber", "processed_at")
    list_filter = ("subscriber",)
    search_fields = ("=event_id",)
