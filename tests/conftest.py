"""Suite-wide fixtures and the service markers.

`@pytest.mark.postgres` / `@pytest.mark.redis` tests need those services. With nothing set
they are skipped with the reason; with REQUIRE_SERVICES=1 (CI) a missing service fails them.
"""

import os

import pytest
from django.conf import settings

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


def _missing_service(item: pytest.Item) -> str | None:
    if item.get_closest_marker("postgres") and settings.DATABASES["default"]["ENGINE"].endswith(
        "sqlite3"
    ):
        return "needs PostgreSQL: set DATABASE_URL"
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        return "needs Redis: set REDIS_URL and CELERY_BROKER_URL"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    reason = _missing_service(item)
    if reason is None:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
    pytest.skip(reason)
