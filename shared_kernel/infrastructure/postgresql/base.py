"""django-prometheus' PostgreSQL backend (query metrics), its health check without a query.

`CONN_HEALTH_CHECKS` keeps a persistent connection the server has dropped (a restart, a
terminated backend, a failover) from failing the request that next uses it. Django checks
with a `SELECT 1` on the first query of every request: one more round trip per request
that touches the database (ADR 0022). An idle connection's socket has nothing to read
unless the server spoke first, and a server that drops a connection does speak: a
termination notice, then the end of the stream. So the check looks at the socket, without
waiting: silent, the connection is as good as a `SELECT 1` would find it; anything there
(a drop, or a harmless notice), Django's own `SELECT 1` decides. Only a connection whose
network silently vanished gets past it, and a `SELECT 1` would hang on that one until its
timeout anyway.
"""

import select
from typing import Any

from django_prometheus.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    health_check_enabled: bool  # Django's, which its stubs do not declare
    health_check_done: bool

    def close_if_health_check_failed(self) -> None:
        if (
            self.pool
            or self.connection is None
            or not self.health_check_enabled
            or self.health_check_done
        ):
            return
        if not (server_is_silent(self.connection) or self.is_usable()):
            self.close()
        self.health_check_done = True


def server_is_silent(connection: Any) -> bool:
    """Whether an idle connection's socket has nothing to read: the server said nothing."""
    if connection.closed or connection.broken:
        return False
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
    return not poller.poll(0)
