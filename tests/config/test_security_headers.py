"""A Content-Security-Policy on every answer, and JSON only in production (issue #14, finding
6). The browser test (tests/browser/test_content_security_policy.py) shows the pages still
work under the policy; these show the header, its nonce, and the renderers per mode.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from csp.utils import build_policy
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
POLICY = "Content-Security-Policy"


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/login/", "/api/docs/", "/api/redoc/", "/api/v1/me"])
def test_every_answer_carries_the_policy(path: str) -> None:
    response = Client().get(path)

    policy = directives(response[POLICY])
    assert policy["default-src"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
        assert policy[directive][0] == "'self'"


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_docs_inline_code_carries_the_answers_nonce(settings, path: str) -> None:
    settings.DEBUG = True  # whitenoise serves the sidecar's assets from the finders
    response = Client().get(path)

    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response[POLICY])
    assert nonce is not None
    inline = re.findall(r"<(script|style)(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline, "the page has inline code"
    for _tag, attributes in inline:
        assert f'nonce="{nonce.group(1)}"' in attributes
    assert "fonts.googleapis.com" not in html  # nothing loads from another origin


def test_redoc_alone_may_start_a_blob_worker() -> None:
    redoc = directives(Client().get("/api/redoc/")[POLICY])
    swagger = directives(Client().get("/api/docs/")[POLICY])

    assert redoc["worker-src"] == ["blob:"]
    assert "worker-src" not in swagger


@pytest.mark.django_db
def test_an_answer_without_a_nonce_gets_the_policy_django_csp_builds(settings) -> None:
    """Built once (shared_kernel.content_security_policy), the same as django-csp's own."""
    assert Client().get("/api/v1/me")[POLICY] == build_policy()

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"]}}

    assert Client().get("/api/v1/me")[POLICY] == "default-src 'self'"


def test_each_answer_has_a_nonce_of_its_own() -> None:
    first, second = (Client().get("/api/docs/")[POLICY] for _ in range(2))

    assert first != second


# --- JSON only in production ------------------------------------------------------------------

PROBE = """
import json
from django.test import Client, override_settings
from contexts.identity.models import User
# The manifest of hashed static names is collectstatic's: not made here, not the point here.
override_settings(STORAGES={
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
}).enable()
user = User.objects.create_user(email="ann@example.com", password="Long-enough-Passw0rd!")
client = Client(headers={"X-Forwarded-Proto": "https"})
client.force_login(user)
browsable = client.get("/api/v1/me?format=api")
# What a browser asks for on navigating: HTML first, anything else after.
accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
html = client.get("/api/v1/me", headers={"Accept": accept})
print(json.dumps({
    "browsable": [browsable.status_code, browsable["Content-Type"]],
    "html": [html.status_code, html["Content-Type"]],
    "policy": browsable.get("Content-Security-Policy"),
}))
"""


def probe(env: dict[str, str]) -> dict[str, list[object]]:
    for command in (["migrate", "-v0"], ["shell", "--no-imports", "-c", PROBE]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    seen: dict[str, list[object]] = json.loads(result.stdout.strip().splitlines()[-1])
    return seen


@pytest.mark.slow
def test_production_answers_json_only(production_env: dict[str, str]) -> None:
    seen = probe(production_env)

    assert seen["browsable"] == [404, "application/problem+json"]
    assert seen["html"] == [200, "application/json"]


@pytest.mark.slow
def test_a_setting_turns_the_browsable_api_on(production_env: dict[str, str]) -> None:
    production_env["BROWSABLE_API"] = "true"

    seen = probe(production_env)

    assert seen["browsable"] == [200, "text/html; charset=utf-8"]
    assert "default-src 'none'" in str(seen["policy"])
