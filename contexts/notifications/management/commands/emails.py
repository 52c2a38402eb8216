"""`manage.py emails …`: the operator's door to the delivery log (the admin's twin).

emails failed                 the failed emails, newest first: id, template, recipient, error
emails resend ID…             send logged emails again (ResendEmail), each reported
emails prune                  delete entries older than NOTIFICATION_LOG_RETENTION_DAYS
"""

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from contexts.notifications.application.services import notifications_use_cases
from contexts.notifications.models import EmailDelivery
from shared_kernel.domain.errors import DomainError

FAILED_SHOWN = 50


class Command(BaseCommand):
    help = "Look at and act on the email delivery log (failed, resend, prune)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("failed", help="the failed emails, newest first")
        resend = actions.add_parser("resend", help="send logged emails again")
        resend.add_argument("ids", nargs="+", type=uuid.UUID, help="delivery log entry ids")
        actions.add_parser("prune", help="delete entries past their retention")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _failed(self, options: dict[str, Any]) -> None:
        failed = EmailDelivery.objects.filter(status="failed").order_by("-created_at")
        for entry in failed[:FAILED_SHOWN]:
            error = entry.last_error.splitlines()[0] if entry.last_error else ""
            recipient = entry.recipient or "(nobody)"
            self.stdout.write(f"{entry.pk}  {entry.template}  {recipient}  {error}")

    def _resend(self, options: dict[str, Any]) -> None:
        resend = notifications_use_cases().resend_email
        not_sent = 0
        for delivery_id in options["ids"]:
            try:
                entry = resend(delivery_id=delivery_id)
            except DomainError as refused:
                not_sent += 1
                self.stderr.write(f"{delivery_id}: refused: {refused.detail}")
                continue
            if entry.is_sent:
                self.stdout.write(f"{delivery_id}: sent")
            else:
                not_sent += 1
                self.stderr.write(f"{delivery_id}: not sent: {entry.last_error}")
        if not_sent:
            raise CommandError(f"{not_sent} email(s) not sent.")

    def _prune(self, options: dict[str, Any]) -> None:
        pruned = notifications_use_cases().prune_delivery_log()
        self.stdout.write(f"{pruned} entries pruned.")
