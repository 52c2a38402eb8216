"""The production image under podman (issue #13): it runs on its own, read-only, as its
non-root user, and a restarted container starts with an empty metrics directory.

The whole run (migrate, web, worker, beat, an event, /metrics, SIGTERM) is `make image-check`
(deploy/image_check.py), which CI runs before the suite. These tests reuse its image:
EMPORIUM_IMAGE names a built one; otherwise it is built here (a cached build is quick).
"""

import base64
import os
import secrets
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest

from tests.deploy.files import ROOT
from tests.support.processes import wait_until

pytestmark = [pytest.mark.container, pytest.mark.slow, pytest.mark.xdist_group("container")]

IMAGE = "localhost/emporium:image-check"  # deploy/image_check.py's default tag
STALE = "counter_999999.db"  # a metrics file left by a process of the previous run


def podman(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["podman", *args], capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def image() -> str:
    if tag := os.environ.get("EMPORIUM_IMAGE"):
        return tag
    built = podman("build", "--format", "docker", "-t", IMAGE, str(ROOT), timeout=1200)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return IMAGE


@pytest.fixture
def container() -> Iterator[str]:
    """A container name of this test's own, removed afterwards whatever happened."""
    name = f"emporium-test-{uuid.uuid4().hex[:10]}"
    yield name
    podman("rm", "--force", "--time", "0", name)


def production_settings() -> list[str]:
    """The settings production requires, and nothing about where to write."""
    values = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "localhost",
        "METRICS_TOKEN": secrets.token_urlsafe(32),
        "EVENT_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    }
    return [argument for key, value in values.items() for argument in ("-e", f"{key}={value}")]


PROBE = """
import os, django
django.setup()
from django.conf import settings
from django.core.management import call_command
call_command("check", "--deploy", "--fail-level", "ERROR")
for path in (settings.LOCAL_DIR, os.environ["PROMETHEUS_MULTIPROC_DIR"]):
    probe = os.path.join(path, "probe")
    open(probe, "w").close()
    os.remove(probe)
print("uid", os.getuid(), "wrote", settings.LOCAL_DIR, os.environ["PROMETHEUS_MULTIPROC_DIR"])
"""


def test_the_image_runs_on_its_own_read_only_as_its_non_root_user(
    image: str, container: str
) -> None:
    """No EMPORIUM_LOCAL_DIR, no volume: the image's defaults are writable, on /tmp only."""
    result = podman(
        "run", "--name", container, "--read-only", "--network", "host",
        *production_settings(), image, "python", "-c", PROBE,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    line = result.stdout.strip().splitlines()[-1]
    uid, local, metrics = line.split()[1], line.split()[3], line.split()[4]
    assert uid == "10001"
    assert local.startswith("/tmp/")
    assert metrics.startswith("/tmp/")


def test_a_restarted_container_starts_with_an_empty_metrics_directory(
    image: str, container: str
) -> None:
    """A restart keeps the container's files; the previous run's metrics files would be
    added up as if their processes were alive. The entrypoint empties the directory."""
    run = (
        'echo "run: $(ls -A "$PROMETHEUS_MULTIPROC_DIR" | tr "\\n" " ")";'
        f' touch "$PROMETHEUS_MULTIPROC_DIR/{STALE}"; exec sleep 300'
    )
    started = podman("run", "-d", "--name", container, image, "sh", "-c", run)
    assert started.returncode == 0, started.stderr

    def runs_logged(count: int) -> bool:
        logs = podman("logs", container).stdout
        return logs.count("run:") >= count

    assert wait_until(lambda: runs_logged(1), timeout=60)
    time.sleep(0.5)  # the stale file is written
    assert (
        STALE in podman("exec", container, "sh", "-c", 'ls -A "$PROMETHEUS_MULTIPROC_DIR"').stdout
    )
    restarted = podman("restart", "--time", "1", container)
    assert restarted.returncode == 0, restarted.stderr
    assert wait_until(lambda: runs_logged(2), timeout=60)

    second_run = podman("logs", container).stdout.strip().splitlines()[-1]
    assert second_run.strip() == "run:", f"the restarted run found {second_run!r}"
