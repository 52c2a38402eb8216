"""The availability read model on the ORM: one row per SKU inventory told about."""

from django.db import IntegrityError, transaction
from django.db.models import Q

from contexts.catalog.application.ports import AvailabilityLedger
from contexts.catalog.infrastructure.models import SkuAvailability


class DjangoAvailabilityLedger(AvailabilityLedger):
    def record(self, sku: str, *, available: int, sequence: int) -> bool:
        """A conditional update (`WHERE sequence < new`), so deliveries racing each other
        keep the newest figure whichever commits last. With no row matched, the figure is
        inserted; if a row is there after all (another delivery inserted it meanwhile, or
        it holds a newer figure), the insert fails and the conditional update decides
        again against that row. An `exists()` check in between would be a race of its own:
        a row inserted after the update and before the check would hide this figure."""
        older = Q(sequence__lt=sequence) if sequence else Q()
        held = SkuAvailability.objects.filter(older, sku_id=sku)
        if held.update(available=available, sequence=sequence):
            return True
        try:
            with transaction.atomic():
                SkuAvailability.objects.create(sku_id=sku, available=available, sequence=sequence)
        except IntegrityError:
            return bool(held.update(available=available, sequence=sequence))
        return True
