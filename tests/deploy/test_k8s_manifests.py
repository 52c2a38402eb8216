"""The Kubernetes manifests in deploy/k8s/ (issue #13): valid for the Kubernetes versions they
target, by `kubernetes-validate` and the schemas it ships, and held to their promises —
probes on the health routes, every queue consumed, beat alone, non-root and read-only,
resources bounded, grace periods that outlast what stopping takes."""

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
from django.conf import settings
from django.urls import resolve

from tests.deploy.files import (
    K8S,
    ROOT,
    compose,
    config_map,
    deployment,
    manifests,
    objects,
    pod_specs,
    worker_deployments,
)

# The oldest and the newest minor version the manifests are written for (docs/deploy.md).
KUBERNETES_VERSIONS = ["1.33.0", "1.37.0"]
COMPONENTS = {"web", "worker", "beat", "migrate"}


def _containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    containers: list[dict[str, Any]] = spec["containers"]
    return containers


def _dockerfile_env() -> dict[str, str]:
    """The runtime image's ENV values (continuation lines joined)."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    pairs = re.findall(r"(?m)^ENV\s+(.*)$", text)
    return dict(re.findall(r"(\w+)=(\S+)", " ".join(pairs)))


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_manifest_is_valid_for_the_kubernetes_versions_it_targets(version: str) -> None:
    files = sorted(str(path) for path in K8S.rglob("*.yaml"))
    assert len(files) >= 6
    tool = Path(sys.executable).parent / "kubernetes-validate"

    result = subprocess.run(
        [str(tool), "--strict", "--kubernetes-version", version, *files],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("passed") == len(manifests())


def test_the_validator_refuses_a_misspelt_field() -> None:
    """Strict validation bites: a field Kubernetes would silently drop is an error."""
    web = deployment("web")
    misspelt = {**web, "spec": {**web["spec"], "template": {**web["spec"]["template"]}}}
    pod = dict(misspelt["spec"]["template"]["spec"])
    pod["terminationGracePeriod"] = pod.pop("terminationGracePeriodSeconds")
    misspelt["spec"]["template"]["spec"] = pod

    with pytest.raises(kubernetes_validate.ValidationError, match="terminationGracePeriod"):
        kubernetes_validate.validate(misspelt, KUBERNETES_VERSIONS[0], strict=True)


def test_the_web_probes_ask_the_health_routes_with_an_allowed_host() -> None:
    [web] = _containers(deployment("web")["spec"]["template"]["spec"])
    ports = {port["name"]: port["containerPort"] for port in web["ports"]}
    allowed_hosts = config_map()["ALLOWED_HOSTS"].split(",")
    routes = {
        "startupProbe": "health-live",
        "livenessProbe": "health-live",
        "readinessProbe": "health-ready",
    }
    for probe, route in routes.items():
        http_get = web[probe]["httpGet"]
        assert resolve(http_get["path"]).url_name == route, probe
        assert http_get["port"] in ports, probe
        host = {header["name"]: header["value"] for header in http_get["httpHeaders"]}["Host"]
        assert host in allowed_hosts, f"{probe}: Host {host} would be refused (400)"
    assert ports["http"] == int(_dockerfile_env()["PORT"])


def test_every_queue_is_consumed_by_exactly_one_worker_group_with_composes_command() -> None:
    compose_command = compose()["services"]["worker"]["command"]
    consumed: list[str] = []
    for worker in worker_deployments():
        [container] = _containers(worker["spec"]["template"]["spec"])
        command = container["command"]
        assert command[: len(compose_command)] == compose_command
        [queues] = [arg.split("=", 1)[1] for arg in command if arg.startswith("--queues=")]
        consumed += queues.split(",")
        assert any(arg.startswith("--concurrency=") for arg in command), (
            "Celery's default concurrency is the node's CPU count, not the pod's"
        )

    assert sorted(consumed) == sorted(queue.name for queue in settings.CELERY_TASK_QUEUES)
    assert len(worker_deployments()) >= 2, "a worker Deployment per queue group"


def test_beat_is_one_replica_recreated_never_autoscaled() -> None:
    beat = deployment("beat")

    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    [container] = _containers(beat["spec"]["template"]["spec"])
    assert container["command"] == compose()["services"]["beat"]["command"]
    scaled = {
        hpa["spec"]["scaleTargetRef"]["name"] for hpa in objects("HorizontalPodAutoscaler").values()
    }
    assert beat["metadata"]["name"] not in scaled


def test_the_migration_job_runs_composes_migrate_once() -> None:
    [job] = objects("Job").values()
    spec = job["spec"]["template"]["spec"]

    assert _containers(spec)[0]["command"] == compose()["services"]["migrate"]["command"]
    assert spec["restartPolicy"] == "Never"
    assert job["spec"]["backoffLimit"] <= 3


def test_every_pod_is_non_root_with_a_read_only_root_and_a_writable_tmp() -> None:
    uid = int(re.search(r"useradd .*--uid (\d+)", (ROOT / "Dockerfile").read_text()).group(1))  # type: ignore[union-attr]
    image_env = _dockerfile_env()
    written = [image_env["EMPORIUM_LOCAL_DIR"], image_env["PROMETHEUS_MULTIPROC_DIR"]]
    specs = pod_specs()
    assert {"emporium-web", "emporium-beat", "emporium-migrate"} <= set(specs)

    for name, spec in specs.items():
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True, name
        assert pod["runAsUser"] == uid != 0, name
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        for container in _containers(spec):
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["capabilities"] == {"drop": ["ALL"]}, name
            mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
            for path in written:
                mounted = [m for m in mounts if path == m or path.startswith(m.rstrip("/") + "/")]
                assert mounted, f"{name}: {path} is on the read-only root"
                assert "emptyDir" in volumes[mounts[mounted[0]]], name


def test_every_container_has_requests_and_limits_and_the_same_image_and_settings() -> None:
    images = set()
    for name, spec in pod_specs().items():
        for container in _containers(spec):
            resources = container["resources"]
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources[kind]), f"{name}: {kind}"
            images.add(container["image"])
            sources = {
                next(iter(source)): next(iter(source.values()))["name"]
                for source in container["envFrom"]
            }
            assert sources == {"configMapRef": "emporium-config", "secretRef": "emporium-secrets"}
    assert len(images) == 1, (
        f"one image for every process, so a rollout moves them together: {images}"
    )


def test_web_and_every_worker_group_autoscale_and_keep_a_disruption_budget() -> None:
    scalable = {deployment("web")["metadata"]["name"]} | {
        worker["metadata"]["name"] for worker in worker_deployments()
    }
    autoscalers = objects("HorizontalPodAutoscaler").values()
    assert {hpa["spec"]["scaleTargetRef"]["name"] for hpa in autoscalers} == scalable
    for hpa in autoscalers:
        target = objects("Deployment")[hpa["spec"]["scaleTargetRef"]["name"]]
        assert "replicas" not in target["spec"], "the autoscaler owns the count, not `apply`"
        assert 1 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]

    budgets = objects("PodDisruptionBudget").values()
    guarded = {
        name
        for budget in budgets
        for name, target in objects("Deployment").items()
        if budget["spec"]["selector"]["matchLabels"].items()
        <= target["spec"]["template"]["metadata"]["labels"].items()
    }
    assert guarded == scalable
    web_hpa = objects("HorizontalPodAutoscaler")["emporium-web"]
    web_budget = objects("PodDisruptionBudget")["emporium-web"]
    assert web_hpa["spec"]["minReplicas"] > web_budget["spec"]["minAvailable"], (
        "a budget as large as the smallest web count would block every node drain"
    )


def test_grace_periods_outlast_the_configured_bounds_of_stopping() -> None:
    """web: preStop's sleep, then gunicorn's graceful timeout; workers: the hard time limit
    of the task a warm shutdown waits for. The measured times are in
    test_graceful_shutdown.py, held below these same periods."""
    config = config_map()
    web = deployment("web")["spec"]["template"]["spec"]
    [web_container] = _containers(web)
    pre_stop = web_container["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    assert web["terminationGracePeriodSeconds"] > float(pre_stop[1]) + float(
        config["GUNICORN_GRACEFUL_TIMEOUT"]
    )
    for worker in worker_deployments():
        grace = worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        assert grace > int(config["CELERY_TASK_TIME_LIMIT"])
    assert int(config["CELERY_TASK_SOFT_TIME_LIMIT"]) < int(config["CELERY_TASK_TIME_LIMIT"])


def test_the_settings_cover_what_production_requires_and_name_only_real_settings() -> None:
    secret = objects("Secret")["emporium-secrets"]["stringData"]
    config = config_map()
    assert not set(secret) & set(config)
    compose_required = set(re.findall(r"\$\{([A-Z_]+):\?", (ROOT / "compose.yaml").read_text()))
    # compose builds DATABASE_URL from POSTGRES_PASSWORD; here the URLs are settings.
    required = compose_required - {"POSTGRES_PASSWORD"} | {
        "DATABASE_URL",
        "REDIS_URL",
        "CELERY_BROKER_URL",
    }
    assert required <= set(secret) | set(config)
    assert {"SECRET_KEY", "METRICS_TOKEN", "EVENT_ENCRYPTION_KEYS", "DATABASE_URL"} <= set(secret)
    assert all(value == "" for value in secret.values()), "the example Secret holds no value"

    read = "\n".join(
        (ROOT / name).read_text()
        for name in ("config/settings.py", "config/gunicorn.conf.py", "Dockerfile")
    )
    for key in {*secret, *config}:
        assert re.search(rf"[\"' ]{key}[\"'=]", read), f"{key} is read by nothing"
    assert config["DEBUG"] == "false"


def test_the_app_manifests_leave_the_secret_and_the_job_out() -> None:
    """`kubectl apply -f deploy/k8s/app/` never overwrites the real Secret nor re-applies
    the immutable migration Job (docs/deploy.md)."""
    app_kinds = {document["kind"] for path, document in manifests() if path.parent == K8S / "app"}
    assert app_kinds == {"Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"}
    components = {
        doc["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"]
        for kind in ("Deployment", "Job")
        for doc in objects(kind).values()
    }
    assert components == COMPONENTS
    guide = (ROOT / "docs" / "deploy.md").read_text()
    applied = [
        line for line in guide.splitlines() if line.startswith("kubectl") and " apply " in line
    ]
    assert any(shlex.split(line)[-1] == "deploy/k8s/app/" for line in applied)
    assert not any("secret.example.yaml" in line for line in applied)


POSTGRES_MAX_CONNECTIONS = 100  # PostgreSQL's default `max_connections`


def test_at_full_scale_every_thread_and_worker_process_fits_in_postgresqls_connections() -> None:
    """Each gunicorn thread and each Celery process may hold a connection (CONN_MAX_AGE)."""
    hpas = objects("HorizontalPodAutoscaler")
    web = config_map()
    per_web_pod = int(web["WEB_CONCURRENCY"]) * int(web["GUNICORN_THREADS"])
    total = hpas["emporium-web"]["spec"]["maxReplicas"] * per_web_pod + 1  # + beat
    for worker in worker_deployments():
        [container] = _containers(worker["spec"]["template"]["spec"])
        [concurrency] = [a.split("=")[1] for a in container["command"] if "--concurrency=" in a]
        total += hpas[worker["metadata"]["name"]]["spec"]["maxReplicas"] * int(concurrency)

    assert total <= POSTGRES_MAX_CONNECTIONS - 10, f"{total} connections at full scale"
