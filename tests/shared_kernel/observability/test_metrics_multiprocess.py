"""With `PROMETHEUS_MULTIPROC_DIR`, /metrics adds up what every process of the host counted."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

COUNT_IN_A_WORKER = """
import django
django.setup()
from shared_kernel.observability.task_metrics import TASKS_STARTED
TASKS_STARTED.labels(task="tests.from_another_process").inc(3)
"""

SCRAPE_FROM_THE_WEB = """
import django
django.setup()
from django.test import Client
print(Client().get("/metrics", HTTP_HOST="localhost").content.decode())
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A clean environment whose processes share one multiprocess directory."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "EMPORIUM_LOCAL_DIR": str(tmp_path / "local"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }


def run(script: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


@pytest.mark.slow
def test_metrics_counted_in_another_process_are_scraped(env: dict[str, str]) -> None:
    run(COUNT_IN_A_WORKER, env)
    scraped = run(SCRAPE_FROM_THE_WEB, env)

    assert 'emporium_celery_tasks_started_total{task="tests.from_another_process"} 3.0' in scraped


SCRAPE_WITH_A_LIVE_COLLECTOR = """
import django
django.setup()
from prometheus_client.core import GaugeMetricFamily
from django.test import Client
from shared_kernel.observability.metrics import register_live_collector

class Lag:
    def collect(self):
        yield GaugeMetricFamily("emporium_test_live_lag_seconds", "Computed when scraped.", 42)

register_live_collector(Lag())
print(Client().get("/metrics", HTTP_HOST="localhost").content.decode())
"""


@pytest.mark.slow
def test_live_collectors_are_scraped_in_multiprocess_mode(env: dict[str, str]) -> None:
    scraped = run(SCRAPE_WITH_A_LIVE_COLLECTOR, env)

    assert "emporium_test_live_lag_seconds 42.0" in scraped
