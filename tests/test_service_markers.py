"""The service markers (`tests/conftest.py`): a test needing Redis or PostgreSQL is skipped,
or failed under REQUIRE_SERVICES=1, with a reason, never run against a stand-in."""

import pytest
from pytest_django.fixtures import Settings

from tests import conftest

REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_test(request: pytest.FixtureRequest) -> pytest.Item:
    """This very test, marked `redis` after its own setup, to ask the conftest about."""
    item: pytest.Item = request.node
    item.add_marker(pytest.mark.redis)
    return item


def test_a_redis_test_runs_with_the_cache_and_the_broker_on_redis(
    redis_test: pytest.Item, settings: Settings
) -> None:
    settings.REDIS_URL = REDIS
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/1"

    assert conftest._missing_service(redis_test) is None


def test_a_redis_test_without_a_redis_cache_names_redis_url(
    redis_test: pytest.Item, settings: Settings
) -> None:
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/1"

    assert "set REDIS_URL" in (conftest._missing_service(redis_test) or "")


@pytest.mark.parametrize(
    "broker", ["filesystem://localhost//", "amqp://guest:s3cret@rabbit:5672//", "memory://"]
)
def test_a_redis_test_with_the_broker_elsewhere_names_celery_broker_url(
    redis_test: pytest.Item, settings: Settings, broker: str
) -> None:
    settings.REDIS_URL = REDIS
    settings.CELERY_BROKER_URL = broker

    reason = conftest._missing_service(redis_test)

    assert reason is not None
    assert "set CELERY_BROKER_URL to redis://" in reason
    assert f"not {broker.partition(':')[0]}" in reason
    assert "s3cret" not in reason


def test_a_missing_broker_skips_the_test_or_fails_it_when_services_are_required(
    redis_test: pytest.Item, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.REDIS_URL = REDIS
    settings.CELERY_BROKER_URL = "filesystem://localhost//"

    monkeypatch.setattr(conftest, "REQUIRE_SERVICES", False)
    with pytest.raises(pytest.skip.Exception, match="CELERY_BROKER_URL"):
        conftest.pytest_runtest_setup(redis_test)

    monkeypatch.setattr(conftest, "REQUIRE_SERVICES", True)
    with pytest.raises(pytest.fail.Exception, match=r"REQUIRE_SERVICES=1 .*CELERY_BROKER_URL"):
        conftest.pytest_runtest_setup(redis_test)


@pytest.fixture
def container_test(request: pytest.FixtureRequest) -> pytest.Item:
    item: pytest.Item = request.node
    item.add_marker(pytest.mark.container)
    return item


def test_a_container_test_without_podman_is_skipped_or_failed_with_the_way_to_install_it(
    container_test: pytest.Item, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conftest.shutil, "which", lambda name: None)

    monkeypatch.setattr(conftest, "REQUIRE_SERVICES", False)
    with pytest.raises(pytest.skip.Exception, match=r"needs podman.*container-engine\.sh"):
        conftest.pytest_runtest_setup(container_test)

    monkeypatch.setattr(conftest, "REQUIRE_SERVICES", True)
    with pytest.raises(
        pytest.fail.Exception, match="REQUIRE_SERVICES=1 but this test needs podman"
    ):
        conftest.pytest_runtest_setup(container_test)


def test_a_container_test_runs_where_podman_is(
    container_test: pytest.Item, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conftest.shutil, "which", lambda name: f"/usr/bin/{name}")

    assert conftest._missing_service(container_test) is None
