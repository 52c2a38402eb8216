"""Suite-wide fixtures and the service markers.

`@pytest.mark.postgres` / `@pytest.mark.redis` tests need those services (a redis test: both
REDIS_URL and a redis:// CELERY_BROKER_URL); `@pytest.mark.container` tests need podman. With
nothing set they are skipped with the reason; with REQUIRE_SERVICES=1 (CI) a missing service
fails them.
"""

import os
import secrets
import shutil
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


def _missing_service(item: pytest.Item) -> str | None:
    if item.get_closest_marker("postgres") and settings.DATABASES["default"]["ENGINE"].endswith(
        "sqlite3"
    ):
        return "needs PostgreSQL: set DATABASE_URL"
    if item.get_closest_marker("redis"):
        return _missing_redis()
    if item.get_closest_marker("container") and shutil.which("podman") is None:
        return "needs podman (a container engine): bash ../shared/tools/container-engine.sh"
    return None


def _missing_redis() -> str | None:
    """A redis test needs both the cache and the Celery broker on Redis; the broker's
    default is the filesystem transport, which such a test would silently run against."""
    if not settings.REDIS_URL:
        return "needs Redis for the cache: set REDIS_URL (and CELERY_BROKER_URL to redis://)"
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        scheme = settings.CELERY_BROKER_URL.partition(":")[0]  # never the credentials
        return f"needs Redis as the Celery broker, not {scheme}: set CELERY_BROKER_URL to redis://"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    reason = _missing_service(item)
    if reason is None:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def admin_user(db: None) -> Any:
    """pytest-django's own makes it with `createsuperuser`'s manager method and the password
    `password`, which identity's register use case refuses as too weak."""
    from tests.support.factories import StaffFactory

    return StaffFactory(email="admin@example.com", is_superuser=True)


@pytest.fixture
def production_env(tmp_path: Path) -> dict[str, str]:
    """A clean environment with every setting production (DEBUG off) refuses to start without."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "EMPORIUM_LOCAL_DIR": str(tmp_path / "local"),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "shop.example.com,testserver",
        "METRICS_TOKEN": secrets.token_urlsafe(32),
        "EVENT_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
