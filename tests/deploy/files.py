"""The deployment files as the tests read them: compose.yaml, the Kubernetes manifests in
deploy/k8s/ and the grace periods each gives a process to stop."""

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
COMPOSE = ROOT / "compose.yaml"


@cache
def manifests() -> tuple[tuple[Path, dict[str, Any]], ...]:
    """Every Kubernetes object in deploy/k8s/, with the file it comes from."""
    return tuple(
        (path, document)
        for path in sorted(K8S.rglob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text())
        if document
    )


def objects(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for _, doc in manifests() if doc["kind"] == kind}


def deployment(component: str) -> dict[str, Any]:
    found = [
        doc
        for doc in objects("Deployment").values()
        if doc["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"] == component
    ]
    assert len(found) == 1, f"{len(found)} Deployments of component {component}"
    return found[0]


def worker_deployments() -> list[dict[str, Any]]:
    return [
        doc
        for doc in objects("Deployment").values()
        if doc["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"] == "worker"
    ]


def pod_specs() -> dict[str, dict[str, Any]]:
    """Every pod template (Deployments and the migration Job), by object name."""
    return {
        name: doc["spec"]["template"]["spec"]
        for kind in ("Deployment", "Job")
        for name, doc in objects(kind).items()
    }


def config_map() -> dict[str, str]:
    data: dict[str, str] = objects("ConfigMap")["emporium-config"]["data"]
    return data


def k8s_grace(component: str) -> float:
    """The shortest terminationGracePeriodSeconds among a component's Deployments."""
    if component == "worker":
        specs = [doc["spec"]["template"]["spec"] for doc in worker_deployments()]
    else:
        specs = [deployment(component)["spec"]["template"]["spec"]]
    return min(float(spec["terminationGracePeriodSeconds"]) for spec in specs)


@cache
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def compose_grace(service: str) -> float:
    """A service's stop_grace_period in seconds (compose's default is 10 s)."""
    value = str(compose()["services"][service].get("stop_grace_period", "10s"))
    parts = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", value)
    assert parts, f"unreadable stop_grace_period {value!r}"
    assert any(parts.groups()), f"unreadable stop_grace_period {value!r}"
    minutes, seconds = (int(part or 0) for part in parts.groups())
    return minutes * 60.0 + seconds


def grace(component: str) -> float:
    """What a stopping process of this component may take: the shorter of the two."""
    return min(k8s_grace(component), compose_grace(component))
