"""The delivery log in the back-office: every email an event asked for, filterable by status
and template, read-only; the *Resend* action sends selected emails again through the
`ResendEmail` use case. A reset email's link is never stored, so it is neither shown nor
resent (the customer asks for a new one)."""

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from contexts.notifications.application.services import notifications_use_cases
from contexts.notifications.models import EmailDelivery
from shared_kernel.backoffice import UseCaseAdmin
from shared_kernel.domain.errors import DomainError


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(UseCaseAdmin):
    list_display = ("created_at", "template", "recipient", "status", "attempts", "sent_at")
    list_filter = ("status", "template", "created_at")
    search_fields = ("recipient", "=event_id")
    date_hierarchy = "created_at"
    exclude = ("context",)
    readonly_fields = (
        "id", "event_id", "event_type", "template", "recipient", "status", "attempts",
        "sent_at", "created_at", "last_error", "what_it_said", "version",
    )  # fmt: skip
    actions = ("resend",)

    @admin.display(description="what the email said (secrets are never kept)")
    def what_it_said(self, entry: EmailDelivery) -> SafeString:
        return format_html("<pre>{}</pre>", json.dumps(entry.context, indent=2))

    @admin.action(description="Resend the selected emails", permissions=("change",))
    def resend(self, request: HttpRequest, queryset: QuerySet[EmailDelivery]) -> None:
        resend = notifications_use_cases().resend_email
        sent = 0
        for delivery_id in queryset.values_list("id", flat=True):
            try:
                entry = resend(delivery_id=delivery_id)
            except DomainError as refused:
                self.refused(request, refused)
                continue
            if entry.is_sent:
                sent += 1
            else:
                self.message_user(request, f"Not sent: {entry.last_error}", messages.ERROR)
        self.message_user(request, f"{sent} email(s) sent again.", messages.SUCCESS)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """The resend action needs the change permission; an entry itself is never edited
        by hand (its page is read-only)."""
        return obj is None and super().has_change_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Entries go when their retention is over (the beat task), not by hand."""
        return False
