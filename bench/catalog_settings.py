"""What `bench/catalog_detail.py`'s gunicorn runs: the app's own settings (production mode
comes from the environment), with `bench/catalog_urls.py` as the URLconf: the app's URLs
plus the bench's yardsticks beside them. Never used by the app.

`BENCH_THROTTLES=off` empties DRF's default throttles, for every DRF view alike (ours and
the plain baseline), to show what the pages cost apart from them.
"""

import os

from config.settings import *  # noqa: F403
from config.settings import REST_FRAMEWORK

ROOT_URLCONF = "bench.catalog_urls"

if os.environ.get("BENCH_THROTTLES") == "off":
    REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
