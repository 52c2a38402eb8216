"""Embedded mode (SQLite, kombu's filesystem broker): publish → real worker → effect.

Everything runs in processes of its own, on a fresh local directory, as `make run` would:
no DATABASE_URL, REDIS_URL or CELERY_BROKER_URL reaches them.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.shared_kernel.messaging.workers import (
    PROJECT_DIR,
    TEST_SETTINGS,
    start_worker,
)
from tests.support.processes import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("celery-workers")]

SERVICES = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")


def embedded_env(local_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SERVICES}
    return {
        **env,
        "EMPORIUM_LOCAL_DIR": str(local_dir),
        "DJANGO_SETTINGS_MODULE": TEST_SETTINGS,
        "MESSAGING_TESTAPP_QUEUE": "embedded-probes",
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, check=True, timeout=60
    )


def effects(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute("SELECT count(*) FROM messaging_testapp_effect").fetchone()[0])


def test_publish_reaches_a_real_worker_over_the_filesystem_broker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = embedded_env(tmp_path)
    for name in SERVICES:
        monkeypatch.delenv(name, raising=False)
    manage(env, "migrate", "--run-syncdb", "--verbosity", "0")
    worker = start_worker("embedded-probes", env, tmp_path / "worker.log", concurrency=2)
    try:
        manage(env, "publish_probes", "5", "embedded")

        assert wait_until(lambda: effects(tmp_path / "emporium.sqlite3") == 5, timeout=40)
    finally:
        worker.stop()
