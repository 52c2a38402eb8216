"""The demo-data registry: each context registers its own loader (in `AppConfig.ready`).

`manage.py demo_data` runs every loader; each must be idempotent and returns the lines
(logins, say) worth printing for whoever runs the demo.
"""

from collections.abc import Callable

DemoLoader = Callable[[], list[str]]

_loaders: dict[str, DemoLoader] = {}


def register_demo_loader(context: str, loader: DemoLoader) -> None:
    _loaders[context] = loader


def demo_loaders() -> dict[str, DemoLoader]:
    return dict(_loaders)
