"""compose.yaml through a real Compose implementation, `podman-compose config` (issue #13):
it parses the file, merges the `x-app` anchor into each app service, and refuses the file
while a required variable is unset. `make image-check` takes the app services' commands
from the same resolved file (deploy/image_check.py), so what it runs is what compose runs.

podman-compose asks `podman version` before anything, even for `config`: these tests need
podman (the `container` marker)."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from tests.deploy.files import ROOT, compose

pytestmark = pytest.mark.container

TOOL = Path(sys.executable).parent / "podman-compose"
APP_SERVICES = ("migrate", "web", "worker", "beat")


def required_variables() -> set[str]:
    return set(re.findall(r"\$\{([A-Z_]+):\?", (ROOT / "compose.yaml").read_text()))


def podman_compose_config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TOOL), "-f", str(ROOT / "compose.yaml"), "config"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip


def image_check() -> ModuleType:
    spec = importlib.util.spec_from_file_location("image_check", ROOT / "deploy" / "image_check.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def base_env() -> dict[str, str]:
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp"}


def test_podman_compose_resolves_every_app_service_as_compose_yaml_means_it() -> None:
    env = {**base_env(), **{name: f"value-of-{name.lower()}" for name in required_variables()}}

    result = podman_compose_config(env)

    assert result.returncode == 0, result.stderr[-3000:]
    resolved: dict[str, Any] = yaml.safe_load(result.stdout)["services"]
    written = compose()["services"]
    assert set(resolved) >= {"postgres", "redis", *APP_SERVICES}
    for name in APP_SERVICES:
        service = resolved[name]
        assert service.get("command") == written[name].get("command"), name
        assert service["environment"]["DEBUG"] == "false", f"{name}: x-app not merged"
        assert service["environment"]["SECRET_KEY"] == "value-of-secret_key", name
        assert service["read_only"] is True, name
        for needed in service.get("depends_on", {}):
            assert needed in resolved, f"{name} depends on {needed}, which is no service"
    assert "command" not in resolved["web"], "web runs the image's CMD, as image-check does"
    assert image_check().compose_services()["worker"]["command"] == written["worker"]["command"]


def test_podman_compose_refuses_the_file_while_a_required_variable_is_unset() -> None:
    env = {**base_env(), **{name: "set" for name in required_variables() - {"SECRET_KEY"}}}

    result = podman_compose_config(env)

    assert result.returncode != 0
    assert "required variable SECRET_KEY is missing" in result.stderr
