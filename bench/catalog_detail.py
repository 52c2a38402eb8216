"""Catalog's cached product page beside a bare Django JsonResponse, one gunicorn, one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/emporium_catalog \
    REDIS_URL=redis://127.0.0.1:6379/4 CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \
    .venv/bin/python bench/catalog_detail.py [--seconds 10] [--rounds 3]

Emporium runs in production mode (DEBUG off, PostgreSQL, Redis as the cache) under
gunicorn (2 sync workers), loaded from this module: the app's own URLs plus one bare
`JsonResponse` view (`/bench/json`) returning a constant product-sized body, behind the same
middleware. `wrk -t2 -c16` alternates between the anonymous product page
(`GET /api/v1/catalog/products/<slug>`, served from the cache after the first request) and
the bare view, `--rounds` times; the best req/s of each is compared. The target (issue 9):
the cached page at >= 0.7x the bare view. Never run as a test.

Throttles stay on at their default rates, as in production: each request comes from a
random client address (`X-Forwarded-For` through one trusted proxy, `NUM_PROXIES=1`), so a
throttle's history holds the few requests one shopper makes, as it would with many
shoppers, rather than every request of the run from one address. A second gunicorn with
the throttles off (`BENCH_THROTTLES=off`) shows what the page costs apart from them: the
bare view has none.
"""

import argparse
import base64
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.processes import free_port, live_status, wait_until  # noqa: E402

SLUG = "navy-linen-shirt"  # one of the catalog demo's products
PAGE = f"/api/v1/catalog/products/{SLUG}"
BARE = "/bench/json"
GUNICORN_FLAGS = ["--workers", "2", "--worker-class", "sync"]
TARGET = 0.7

# What gunicorn loads: the app's URLs with the bare view beside them.
BARE_BODY = {
    "slug": SLUG,
    "name": "Navy linen shirt",
    "description": "A linen shirt in navy.",
    "category": "shirts",
    "published": True,
    "in_stock": False,
    "skus": [
        {
            "code": f"{SLUG.upper()}-{size}",
            "attributes": {"size": size, "colour": "navy"},
            "price": {"amount": "49.90", "currency": "EUR"},
            "available": 0,
        }
        for size in ("S", "M", "L", "XL")
    ],
}


def bare_json(request: Any) -> Any:
    from django.http import JsonResponse

    return JsonResponse(BARE_BODY)


def _urlpatterns() -> list[Any]:
    from django.urls import include, path

    return [path(BARE.lstrip("/"), bare_json), path("", include("config.urls"))]


def application(environ: dict[str, Any], start_response: Any) -> Any:
    """gunicorn's entry (`bench.catalog_detail:application`): the app, this URLconf."""
    global _application
    if _application is None:
        from django.conf import settings
        from django.core.wsgi import get_wsgi_application

        settings.ROOT_URLCONF = __name__
        if os.environ.get("BENCH_THROTTLES") == "off":
            # Before DRF is imported: APIView reads its throttle classes once, at import.
            settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
        _application = get_wsgi_application()
    return _application(environ, start_response)


_application: Any = None


def __getattr__(name: str) -> Any:
    """Django reads `urlpatterns` from the URLconf module once settings are loaded."""
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


def main() -> None:
    options = _arguments()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL (PostgreSQL), REDIS_URL and CELERY_BROKER_URL.")
    if shutil.which("wrk") is None:
        sys.exit("wrk not found (apt-get install wrk).")
    env = _production_env()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    _load_the_catalog_demo(env)
    for throttles in ("on", "off"):
        page_rps, bare_rps = _served({**env, "BENCH_THROTTLES": throttles}, options)
        ratio = page_rps / bare_rps
        verdict = "met" if ratio >= TARGET else "not met"
        print(
            f"throttles {throttles:3}  cached product page {page_rps:6.0f} req/s, bare "
            f"JsonResponse {bare_rps:6.0f} req/s: {ratio:.2f}x (target >= {TARGET}x: {verdict})"
        )


def _production_env() -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "METRICS_TOKEN": secrets.token_urlsafe(32),
        "EVENT_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "SECURE_SSL_REDIRECT": "false",
        "NUM_PROXIES": "1",
        "EMPORIUM_LOCAL_DIR": "/tmp/emporium-bench-catalog",
        "PYTHONPATH": str(ROOT),
    }


def _load_the_catalog_demo(env: dict[str, str]) -> None:
    script = "from contexts.catalog.demo import load_demo_catalog\nprint(load_demo_catalog())\n"
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip


def _served(env: dict[str, str], options: argparse.Namespace) -> tuple[float, float]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bench.catalog_detail:application",
         "--bind", f"127.0.0.1:{port}", *GUNICORN_FLAGS],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        if not wait_until(
            lambda: live_status(port, timeout=1, host="127.0.0.1") == 200, timeout=30
        ):
            sys.exit(f"gunicorn did not start on {port}")
        base = f"http://127.0.0.1:{port}"
        for path in (PAGE, BARE):
            _wrk(f"{base}{path}", 2)  # warm: imports, connections, the page into the cache
        page, bare = [], []
        for _ in range(options.rounds):
            page.append(_wrk(f"{base}{PAGE}", options.seconds))
            bare.append(_wrk(f"{base}{BARE}", options.seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return max(page), max(bare)


# Every request from another shopper: a random client address behind the trusted proxy.
WRK_SCRIPT = """
request = function()
  local address = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "."
    .. math.random(1, 254)
  return wrk.format(nil, nil, {["X-Forwarded-For"] = address})
end
"""


def _wrk(url: str, seconds: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        out = subprocess.run(
            ["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", script.name, url],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        sys.exit(f"{url}: {errors.group(1)} error answers\n{out}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert found, out
    return float(found.group(1))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args()


if __name__ == "__main__":
    main()
