"""`manage.py demo_data`: load every context's demo, safely re-runnable.

Each context registers its own loader (`shared_kernel.demo.register_demo_loader`, from its
`AppConfig.ready`), so this command knows no context and a new one joins the demo by
registering. Loaders are idempotent; what they return (logins, mostly) is printed so that
whoever starts the demo knows how to sign in.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from shared_kernel.demo import demo_loaders


class Command(BaseCommand):
    help = "Load the demo data of every context (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        loaders = demo_loaders()
        if not loaders:
            self.stdout.write("No context registered a demo loader: nothing to load.")
            return
        for context, loader in sorted(loaders.items()):
            self.stdout.write(self.style.MIGRATE_HEADING(f"{context}:"))
            with transaction.atomic():  # a loader that fails leaves nothing half-loaded
                lines = loader()
            for line in lines:
                self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
