"""Catalog's product list and page, uncached and cached, beside plain DRF and a bare Django
`JsonResponse`: one gunicorn serving them all, one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/emporium_catbench \
    REDIS_URL=redis://127.0.0.1:6379/4 CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \
    .venv/bin/python bench/catalog_detail.py [--seconds 10] [--rounds 3] [--throttles on,off]

Emporium runs in production mode (DEBUG off, PostgreSQL, Redis as the cache) under
gunicorn (2 sync workers) with `bench/catalog_settings.py`: the app's settings, its URLs,
and beside them the yardsticks of `bench/catalog_urls.py`. It loads the catalog demo (a
few hundred products) and measures, with `wrk -t2 -c16`, each in turn, `--rounds` times
(the best req/s of each counts, so a shared machine's load hits them alike):

- our list: `GET /api/v1/catalog/products` (a page of 20, published only, `price_from`
  and `in_stock` computed; the query object, DTOs, presenters);
- our page uncached: the real product view with its cached copy dropped first
  (`/bench/catalog/uncached/<slug>`): every request a miss, rendered from PostgreSQL and
  stored again, one Redis `DEL` more than a miss in production;
- our page cached: `GET /api/v1/catalog/products/<slug>`, anonymous, from the cache;
- plain DRF list and detail: a `ReadOnlyModelViewSet` with `ModelSerializer`s over the
  same tables, the same fields, filter and annotations (`/bench/drf/products[/<slug>]`);
- a bare `JsonResponse` of the same product page, a constant (`/bench/json`), no DRF.

Targets (issue 9): our list and our uncached page >= 1.0x the plain DRF list and detail;
our cached page >= 0.7x the bare view. Before measuring, the plain DRF bodies and the bare
one are checked to equal ours. Throttles stay on at their default rates, as in production,
for every DRF view alike: each request comes from a random client address
(`X-Forwarded-For` through one trusted proxy, `NUM_PROXIES=1`), as many shoppers would;
then a second gunicorn measures all again with DRF's throttles off (the bare view has
none): `--throttles on` skips it.
Never run as a test.
"""

import argparse
import base64
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.processes import free_port, live_status, wait_until  # noqa: E402

SLUG = "navy-linen-shirt"  # one of the catalog demo's products
GUNICORN_FLAGS = ["--workers", "2", "--worker-class", "sync"]
LIST_TARGET, DETAIL_TARGET, CACHED_TARGET = 1.0, 1.0, 0.7


@dataclass(frozen=True)
class Endpoint:
    label: str
    path: str


OUR_LIST = Endpoint("our list", "/api/v1/catalog/products")
OUR_UNCACHED = Endpoint("our page, uncached", f"/bench/catalog/uncached/{SLUG}")
OUR_CACHED = Endpoint("our page, cached", f"/api/v1/catalog/products/{SLUG}")
DRF_LIST = Endpoint("plain DRF list", "/bench/drf/products")
DRF_DETAIL = Endpoint("plain DRF detail", f"/bench/drf/products/{SLUG}")
BARE = Endpoint("bare JsonResponse", "/bench/json")
ENDPOINTS = (OUR_LIST, DRF_LIST, OUR_UNCACHED, DRF_DETAIL, OUR_CACHED, BARE)


def main() -> None:
    options = _arguments()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL (PostgreSQL), REDIS_URL and CELERY_BROKER_URL.")
    if shutil.which("wrk") is None:
        sys.exit("wrk not found (apt-get install wrk).")
    env = _production_env()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    _load_the_catalog_demo(env)
    for throttles in options.throttles.split(","):
        served = _served({**env, "BENCH_THROTTLES": throttles}, options)
        _report(throttles, served)


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
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def _load_the_catalog_demo(env: dict[str, str]) -> None:
    script = "from contexts.catalog.demo import load_demo_catalog\nprint(load_demo_catalog())\n"
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip


def _served(env: dict[str, str], options: argparse.Namespace) -> dict[Endpoint, float]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application",
         "--bind", f"127.0.0.1:{port}", *GUNICORN_FLAGS],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "bench.catalog_settings"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        if not wait_until(
            lambda: live_status(port, timeout=1, host="127.0.0.1") == 200, timeout=30
        ):
            sys.exit(f"gunicorn did not start on {port}")
        base = f"http://127.0.0.1:{port}"
        _require_the_same_bodies(base)
        for endpoint in ENDPOINTS:
            _wrk(f"{base}{endpoint.path}", 2)  # warm: imports, connections, the cache
        best = dict.fromkeys(ENDPOINTS, 0.0)
        for _ in range(options.rounds):
            for endpoint in ENDPOINTS:
                best[endpoint] = max(
                    best[endpoint], _wrk(f"{base}{endpoint.path}", options.seconds)
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return best


def _require_the_same_bodies(base: str) -> None:
    """The yardsticks do the same work: the plain DRF bodies are ours, field for field."""
    ours, theirs = _get(base, OUR_LIST), _get(base, DRF_LIST)
    if ours["results"] != theirs["results"] or None in (ours["next"], theirs["next"]):
        sys.exit(f"The lists differ:\n{ours}\n{theirs}")
    page = _get(base, OUR_CACHED)
    for other in (OUR_UNCACHED, DRF_DETAIL, BARE):
        if _get(base, other) != page:
            sys.exit(f"{other.label} differs from our page:\n{page}\n{_get(base, other)}")


def _get(base: str, endpoint: Endpoint) -> Any:
    shopper = {"X-Forwarded-For": f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.1"}
    request = urllib.request.Request(f"{base}{endpoint.path}", headers=shopper)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


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


def _report(throttles: str, served: dict[Endpoint, float]) -> None:
    print(f"\nthrottles {throttles}: best req/s of each")
    for endpoint in ENDPOINTS:
        print(f"  {endpoint.label:20} {served[endpoint]:7.0f}  {endpoint.path}")
    for label, ours, theirs, target in (
        ("our list / plain DRF list", OUR_LIST, DRF_LIST, LIST_TARGET),
        ("our page uncached / plain DRF detail", OUR_UNCACHED, DRF_DETAIL, DETAIL_TARGET),
        ("our page cached / bare JsonResponse", OUR_CACHED, BARE, CACHED_TARGET),
    ):
        ratio = served[ours] / served[theirs]
        verdict = "met" if ratio >= target else "not met"
        print(f"  {label:38} {ratio:5.2f}x  (target >= {target}x: {verdict})")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="one wrk measurement")
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each endpoint")
    parser.add_argument(
        "--throttles", default="on,off", help="`on`, `off` or `on,off`: DRF's default throttles"
    )
    return parser.parse_args()


if __name__ == "__main__":
    main()
