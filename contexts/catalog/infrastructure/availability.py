"""The availability read model on the ORM: one row per SKU inventory told about."""

from django.db import IntegrityError, transaction
from django.db.models import Q

from contexts.catalog.application.ports import AvailabilityLedger
from contexts.catalog.infrastructure.models import SkuAvailability


class DjangoAvailabilityLedger(AvailabilityLedger):
    def record(self, sku: str, *, available: int, sequence: int) -> bool:
        """A conditional update (`WHERE sequence < new`), so two deliveries racing each
        other keep the newer figure whichever commits last; the first figure of a SKU
        is an insert, and the loser of a race to insert it retries as an update."""
        older = Q(sequence__lt=sequence) if sequence else Q()
        held = SkuAvailability.objects.filter(older, sku_id=sku)
        if held.update(available=available, sequence=sequence):
            return True
        if SkuAvailability.objects.filter(sku_id=sku).exists():
            return False
        try:
            with transaction.atomic():
                SkuAvailability.objects.create(sku_id=sku, available=available, sequence=sequence)
        except IntegrityError:
            return bool(held.update(available=available, sequence=sequence))
        return True
