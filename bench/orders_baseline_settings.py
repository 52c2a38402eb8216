"""The yardstick of `bench/orders.py`: `bench/baseline/`'s settings (Django's default
`startproject` middleware, DRF, no authentication, the same database) with one plain DRF
create view (`bench/orders_baseline_urls.py`) doing one INSERT. Never used by the app."""

from bench.baseline.settings import *  # noqa: F403

ROOT_URLCONF = "bench.orders_baseline_urls"
