"""How long a delivery waits before it is tried or handed over again: exponential, capped.

Two clocks, kept apart (ARCHITECTURE.md §3, "Retries, one owner"):
- `retry_delay`, after a run failed: exponential with jitter, so many deliveries that
  failed together (a database blip) do not all come back at the same instant; half the
  delay is kept so a retry never comes back at once.
- `handover_delay`, after a handover no worker has started yet (a backlog, a lost
  message): exponential up to its cap, so a long outage costs a few copies per delivery,
  not one per sweep.
"""

import random

from django.conf import settings


def retry_delay(attempt: int) -> float:
    """Seconds to wait after the `attempt`-th attempt failed."""
    base = float(settings.OUTBOX_RETRY_BACKOFF_SECONDS)
    ceiling = min(float(settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS), base * 2 ** max(attempt - 1, 0))
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not a secret


def handover_delay(handovers: int) -> float:
    """Seconds the relay waits for a worker to start a delivery handed over `handovers` times."""
    base = float(settings.OUTBOX_HANDOVER_TIMEOUT_SECONDS)
    cap = float(settings.OUTBOX_HANDOVER_BACKOFF_MAX_SECONDS)
    return min(cap, base * 2 ** min(max(handovers - 1, 0), 32))
