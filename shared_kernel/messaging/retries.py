"""How long a failed delivery waits before its next attempt: exponential, with jitter.

The jitter spreads retries of many deliveries that failed together (a database blip), so
they do not all come back at the same instant; half the delay is kept so a retry never
comes back at once.
"""

import random

from django.conf import settings


def retry_delay(attempt: int) -> float:
    """Seconds to wait after the `attempt`-th attempt failed."""
    base = float(settings.OUTBOX_RETRY_BACKOFF_SECONDS)
    ceiling = min(float(settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS), base * 2 ** max(attempt - 1, 0))
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not a secret
