"""The platform's own admin pages beyond the event bus's (`shared_kernel/messaging/admin.py`).

django-axes registers its sign-in records (ADR 0015). Its "Clean up expired attempts"
action fails in axes 8.3.1 (it reads `request.axes_attempt_time`, which only a sign-in's
request carries): the request is given axes' attributes first.
"""

from typing import Any

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest


class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    """Failed sign-ins by email, address and user agent. Deleting an address's rows
    releases that address; an account is released from its user page."""

    @admin.action(description="Clean up expired attempts")
    def cleanup_expired_attempts(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        AxesProxyHandler.update_request(request)
        super().cleanup_expired_attempts(request, queryset)


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AccessAttemptAdmin)
