"""The availability subscriber through the real door: inventory's `StockChanged` committed,
handed to Redis by the relay, run by a real Celery worker on catalog's queue."""

from pathlib import Path

import pytest
from django.db import connection

from contexts.catalog.application.services import catalog_use_cases
from contexts.catalog.models import SkuAvailability
from contexts.inventory.contracts import StockChanged
from shared_kernel.messaging.models import Delivery
from shared_kernel.messaging.unit_of_work import DjangoUnitOfWork
from tests.catalog.conftest import eur
from tests.shared_kernel.messaging.workers import (
    forget_queue,
    start_worker,
    this_tests_database_url,
)
from tests.support.processes import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_worker_on_catalogs_queue_keeps_the_newest_stock_figure(tmp_path: Path) -> None:
    forget_queue("catalog")
    use_cases = catalog_use_cases()
    use_cases.create_category(slug="shirts", name="Shirts")
    use_cases.create_product(
        name="Shirt", category="shirts", skus=[{"code": "S-1", "attributes": {}, "price": eur("9")}]
    )
    worker = start_worker(
        "catalog", {"DATABASE_URL": this_tests_database_url()}, tmp_path / "w.log"
    )
    try:
        for available, sequence in ((5, 3), (9, 2)):  # the older one arrives last
            with DjangoUnitOfWork() as uow:
                event = StockChanged(sku="S-1", on_hand=available, reserved=0, available=available)
                uow.publish(event, aggregate_id="S-1", sequence=sequence)

        settled = wait_until(
            lambda: (
                Delivery.objects.filter(
                    subscriber="catalog.track_availability", status=Delivery.Status.DONE
                ).count()
                == 2
            ),
            timeout=60,
        )
    finally:
        worker.stop()
        forget_queue("catalog")
    assert settled, (tmp_path / "w.log").read_text()[-3000:]
    held = SkuAvailability.objects.get(sku_id="S-1")
    assert (held.available, held.sequence) == (5, 3)
    connection.close()
