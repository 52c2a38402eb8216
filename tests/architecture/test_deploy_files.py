"""The Dockerfile and compose.yaml, read and held to what a deployment relies on — the
services and their start order, a non-root image that writes only under /tmp, a health
check on a route that exists, commands that name modules that exist, grace periods that
outlast stopping. They run for real in `make image-check` (deploy/image_check.py) and in
tests/deploy/; these checks are the quick ones, needing no container engine."""

import importlib.util
import json
import re
import runpy
import shlex

import pytest
import yaml
from django.conf import settings
from django.urls import resolve

from tests.architecture.codebase import REPO_ROOT
from tests.deploy.files import compose_grace

APP_SERVICES = {"migrate", "web", "worker", "beat"}
REQUIRED_SECRETS = {
    "SECRET_KEY", "ALLOWED_HOSTS", "METRICS_TOKEN", "EVENT_ENCRYPTION_KEYS", "POSTGRES_PASSWORD",
}  # fmt: skip


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO_ROOT / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) pairs, continuation lines joined, comments dropped."""
    text = (REPO_ROOT / "Dockerfile").read_text()
    logical = re.sub(r"\\\n", " ", text)
    lines = [line.strip() for line in logical.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def _runtime_stage(dockerfile: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last_from = max(i for i, (instruction, _) in enumerate(dockerfile) if instruction == "FROM")
    return dockerfile[last_from:]


def _module_exists(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def test_compose_has_every_service(compose):
    assert set(compose["services"]) == {"postgres", "redis", "proxy", *APP_SERVICES}


def test_gunicorn_is_reached_only_through_the_buffering_proxy(compose):
    """nginx reads requests whole before gunicorn sees them (ADR 0019): it is the one
    published port, runs deploy/nginx.conf, and counts as the proxy NUM_PROXIES trusts."""
    services = compose["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    proxy = services["proxy"]
    assert proxy["volumes"] == ["./deploy/nginx.conf:/etc/nginx/nginx.conf:ro"]
    nginx = (REPO_ROOT / "deploy" / "nginx.conf").read_text()
    for directive in (
        "client_header_timeout 10s;",
        "client_body_timeout 10s;",
        "proxy_request_buffering on;",
        "server web:8000;",
        "listen 8080;",
    ):
        assert directive in nginx, directive
    assert proxy["ports"] == ["127.0.0.1:8000:8080"]
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    assert "/health/live" in " ".join(proxy["healthcheck"]["test"])
    assert services["web"]["expose"] == ["8000"]
    assert services["web"]["environment"]["NUM_PROXIES"] == "${NUM_PROXIES:-1}"


def test_databases_have_health_checks(compose):
    for name in ("postgres", "redis"):
        assert compose["services"][name]["healthcheck"]["test"]


def test_app_services_wait_for_healthy_services_and_the_migration(compose):
    for name in APP_SERVICES - {"migrate"}:
        depends_on = compose["services"][name]["depends_on"]
        assert depends_on["postgres"]["condition"] == "service_healthy"
        assert depends_on["redis"]["condition"] == "service_healthy"
        assert depends_on["migrate"]["condition"] == "service_completed_successfully"
    assert compose["services"]["migrate"]["depends_on"]["postgres"]["condition"] == (
        "service_healthy"
    )


def test_app_services_run_in_production_mode_with_services(compose):
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        assert env["DEBUG"] == "false"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:")
        for secret in REQUIRED_SECRETS - {"POSTGRES_PASSWORD"}:
            assert env[secret].startswith(f"${{{secret}:?"), f"{name}: {secret} is not required"


def test_env_example_names_every_required_variable():
    example = (REPO_ROOT / ".env.example").read_text()
    names = {line.split("=", 1)[0] for line in example.splitlines() if "=" in line}
    compose_text = (REPO_ROOT / "compose.yaml").read_text()
    required = set(re.findall(r"\$\{([A-Z_]+):\?", compose_text))
    assert required >= REQUIRED_SECRETS
    assert required <= names


def test_compose_commands_name_what_exists(compose):
    services = compose["services"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert (REPO_ROOT / "manage.py").exists()
    for name in ("worker", "beat"):
        command = services[name]["command"]
        assert command[:4] == ["celery", "-A", "config", name]
    assert _module_exists("config.celery")
    assert "command" not in services["web"], "web runs the image's CMD (gunicorn)"


def test_image_is_multi_stage_and_installs_from_the_lock(dockerfile):
    stages = [arguments for instruction, arguments in dockerfile if instruction == "FROM"]
    assert stages == ["python:3.11-slim AS builder", "python:3.11-slim AS runtime"]
    builder = dockerfile[: next(i for i, (ins, _) in enumerate(dockerfile) if ins == "FROM" and i)]
    [install] = [
        arguments
        for instruction, arguments in builder
        if instruction == "RUN" and "pip" in arguments
    ]
    # pyproject's runtime dependencies ([dev] left out), every version from the lock; no
    # code in this stage, so a code change reuses the layer.
    assert "['project']['dependencies']" in install
    assert install.endswith("pip install -c requirements.lock -r runtime-requirements.txt")
    copied = [arguments for instruction, arguments in builder if instruction == "COPY"]
    assert copied == ["pyproject.toml requirements.lock ./"]


def test_image_writes_only_under_tmp_and_empties_its_metrics_dir_at_start(dockerfile):
    runtime = _runtime_stage(dockerfile)
    env = dict(
        pair.split("=", 1)
        for instruction, arguments in runtime
        if instruction == "ENV"
        for pair in arguments.split()
    )
    assert env["EMPORIUM_LOCAL_DIR"].startswith("/tmp/")
    assert env["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/")
    [entrypoint] = [arguments for instruction, arguments in runtime if instruction == "ENTRYPOINT"]
    script = json.loads(entrypoint)[0]
    copied = {
        shlex.split(arguments)[-1]: shlex.split(arguments)[0]
        for instruction, arguments in runtime
        if instruction == "COPY" and not arguments.startswith("--from")
    }
    source = (REPO_ROOT / copied[script]).read_text()
    assert 'find "$PROMETHEUS_MULTIPROC_DIR" -mindepth 1 -delete' in source
    assert source.rstrip().endswith('exec "$@"'), "the command must become PID 1 (SIGTERM)"


def test_compose_runs_the_app_read_only_with_a_tmpfs_and_the_images_own_paths(compose):
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["read_only"] is True, name
        assert "/tmp" in service["tmpfs"], name
        assert "EMPORIUM_LOCAL_DIR" not in service["environment"], "the image's default serves"


def test_compose_grace_periods_outlast_stopping():
    """gunicorn's graceful timeout, the workers' hard task time limit; the measured times
    are held below these in tests/deploy/ and tests/shared_kernel/messaging/."""
    gunicorn = runpy.run_path(str(REPO_ROOT / "config" / "gunicorn.conf.py"))
    assert compose_grace("web") > gunicorn["graceful_timeout"]
    assert compose_grace("worker") > settings.CELERY_TASK_TIME_LIMIT
    assert compose_grace("beat") >= 10


def test_image_runs_as_a_non_root_user(dockerfile):
    users = [
        arguments for instruction, arguments in _runtime_stage(dockerfile) if instruction == "USER"
    ]
    assert users, "the runtime stage sets no USER"
    assert users[-1] not in {"root", "0", "0:0"}


def test_image_copies_only_what_exists_and_is_not_ignored(dockerfile):
    ignored = {
        line.strip()
        for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for instruction, arguments in dockerfile:
        if instruction != "COPY" or arguments.startswith("--from"):
            continue
        for source in shlex.split(arguments)[:-1]:
            assert (REPO_ROOT / source).exists(), source
            assert source not in ignored, source


def test_image_collects_static_files_at_build_time(dockerfile):
    runs = " ".join(arguments for instruction, arguments in dockerfile if instruction == "RUN")
    assert "manage.py collectstatic --noinput" in runs


def test_image_serves_the_wsgi_app_with_gunicorn_from_its_config_file(dockerfile):
    """One file of gunicorn settings (ADR 0019): tests/config/ test it and run it."""
    command = next(arguments for instruction, arguments in dockerfile if instruction == "CMD")
    assert json.loads(command) == ["gunicorn", "-c", "config/gunicorn.conf.py"]
    gunicorn = runpy.run_path(str(REPO_ROOT / "config" / "gunicorn.conf.py"))
    assert gunicorn["wsgi_app"] == "config.wsgi"
    assert gunicorn["worker_class"] == "gthread"
    assert _module_exists("config.wsgi")


def test_image_health_check_probes_liveness(dockerfile):
    check = next(arguments for instruction, arguments in dockerfile if instruction == "HEALTHCHECK")
    assert "/health/live" in check
    assert resolve("/health/live").url_name == "health-live"
