"""`manage.py outbox …`: the operator's door to the event bus (the admin's twin).

outbox status                       counts per state, oldest waiting and running, dead letters
outbox relay                        hand over whatever is due, now
outbox replay ID… | --dead [--subscriber S]   dead or skipped: hand over again, fresh attempts
outbox skip ID…   | --dead [--subscriber S]   settle without running the subscriber
outbox catalog                      every event type, its publisher and subscribers
outbox lock                         record new event schemas in docs/events.lock.json
outbox reseal                       re-encrypt secrets with the first EVENT_ENCRYPTION_KEYS key
"""

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from shared_kernel.messaging import bus, contracts_lock, operations, relay
from shared_kernel.messaging.models import Delivery

DEAD_LETTERS_SHOWN = 20


class Command(BaseCommand):
    help = "Inspect and operate the event bus's outbox (status, relay, replay, skip, catalog)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("status", help="counts per state, the oldest waiting and running")
        actions.add_parser("relay", help="hand over every delivery that is due")
        for name in ("replay", "skip"):
            self._add_selection(actions.add_parser(name, help=f"{name} deliveries"))
        actions.add_parser("catalog", help="event types with publishers and subscribers")
        actions.add_parser("lock", help="record new event schemas in the lock file")
        actions.add_parser("reseal", help="re-encrypt the outbox's secrets with the first key")

    def _add_selection(self, parser: ArgumentParser) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="delivery ids")
        parser.add_argument("--dead", action="store_true", help="every dead letter")
        parser.add_argument("--subscriber", help="only this subscriber's dead letters")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _status(self, options: dict[str, Any]) -> None:
        current = operations.status()
        self.stdout.write(
            f"pending: {current.pending}\nhanded over: {current.handed_over}\n"
            f"running: {current.running}\ndone: {current.done}\n"
            f"skipped: {current.skipped}\ndead: {current.dead}\n"
            f"oldest waiting to start: {_seconds(current.oldest_waiting_age_seconds)}"
            f"{' (lagging)' if current.lagging() else ''}\n"
            f"oldest running: {_seconds(current.oldest_running_age_seconds)}"
        )
        dead = operations.dead_letters().select_related("event").order_by("-settled_at")
        for delivery in dead[:DEAD_LETTERS_SHOWN]:
            self._show_dead_letter(delivery)

    def _show_dead_letter(self, delivery: Delivery) -> None:
        error = (delivery.last_error.strip().splitlines() or [""])[-1]
        payload = json.dumps(operations.shown_payload(delivery.event), sort_keys=True)
        self.stdout.write(
            f"dead #{delivery.pk} {delivery.subscriber} ← {delivery.event.event_type} "
            f"v{delivery.event.version} {delivery.event_id} after {delivery.attempts} "
            f"attempts: {error}\n    payload: {payload}"
        )

    def _relay(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"handed over: {relay.sweep()}")

    def _replay(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"replayed: {operations.replay(self._selection(options))}")

    def _skip(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"skipped: {operations.skip(self._selection(options))}")

    def _selection(self, options: dict[str, Any]) -> QuerySet[Delivery]:
        if options["ids"]:
            return operations.deliveries_by_id(options["ids"])
        if options["dead"] or options["subscriber"]:
            return operations.dead_letters(options["subscriber"])
        raise CommandError("Name delivery ids, or --dead (optionally with --subscriber).")

    def _catalog(self, options: dict[str, Any]) -> None:
        for entry in bus.catalog():
            self.stdout.write(
                f"{entry.event_type} v{entry.version}  (published by {entry.publisher})"
            )
            for subscription in entry.subscribers:
                self.stdout.write(
                    f"    → {subscription.name} [{subscription.mode}, queue {subscription.queue}]"
                )

    def _lock(self, options: dict[str, Any]) -> None:
        try:
            added = contracts_lock.write_lock()
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"recorded: {', '.join(added) or 'nothing new'}")

    def _reseal(self, options: dict[str, Any]) -> None:
        contracts_lock.published_events()  # every context's events declared, secrets known
        done = operations.reseal()
        self.stdout.write(f"resealed: {done.resealed}\nscrubbed: {done.scrubbed}")


def _seconds(age: float | None) -> str:
    return "-" if age is None else f"{age:.1f}s"
