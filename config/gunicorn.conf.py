# ruff: noqa: N999  (gunicorn.conf.py is the name gunicorn looks for)
"""gunicorn's settings, one file for every way the web server starts: the image's CMD
(`gunicorn -c config/gunicorn.conf.py`), compose (which runs the image's CMD) and the
slow-client test (tests/config/test_slow_clients.py), so they cannot drift apart. ADR 0019.

Slow clients: a `sync` worker serves one connection at a time, so two clients announcing a
body and never sending it held both workers of a two-worker server (issue #14). Here each
worker runs `gthread`: its main thread accepts and watches idle connections, a pool of
`GUNICORN_THREADS` threads serves requests. gunicorn waits for a new connection's first
byte without a thread; from then on, a thread reads the headers and the app reads the body
on it, blocking. So:
- fewer than `GUNICORN_THREADS` slow clients can never starve the server, wherever they
  land; `WEB_CONCURRENCY` x `GUNICORN_THREADS` of them can;
- a body that stops arriving frees its thread after `GUNICORN_BODY_TIMEOUT` seconds
  without a byte (a socket timeout, set per request below); a client that trickles one byte
  at a time keeps it longer. gunicorn has no timeout for headers that stall after their
  first byte.
The real defence is a buffering proxy in front (nginx in compose.yaml: it reads whole
requests with header and body timeouts, and hands gunicorn only complete ones).

Every value can be changed by an environment variable (set in the image's Dockerfile).
"""

import os
from typing import Any


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


wsgi_app = "config.wsgi"
bind = [f"0.0.0.0:{os.environ.get('PORT', '8000')}"]

worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", 3)
threads = _int("GUNICORN_THREADS", 8)

# The arbiter kills a worker whose main loop stops reporting for this long (gthread: the
# main loop, not a request, so a slow client never trips it).
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# An idle kept-alive connection waits in the main loop (no thread), closed after this.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Seconds a request body may go without a byte before its thread gives up on it.
body_timeout = _int("GUNICORN_BODY_TIMEOUT", 10)

# Request line and headers: bounded in size (an oversized one is a 400 from gunicorn).
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# A worker restarts after this many requests (with jitter, so not all at once).
max_requests = 2000
max_requests_jitter = 200
# The heartbeat file on tmpfs where there is one: a slow disk must not stall heartbeats.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Who may set X-Forwarded-Proto/-For (a proxy in front); gunicorn's own default otherwise.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
# The access line as JSON with the request id (ARCHITECTURE.md §7): the one line per request.
logger_class = "shared_kernel.observability.access_log.JsonAccessLogger"
# No runtime control socket (gunicorn >= 25): the orchestrator scales and restarts, and
# its default path under $HOME is not writable in the image.
control_socket_disable = True


def pre_request(worker: Any, req: Any) -> None:
    """Headers are in; the body is read on this socket by the app: bound each read.

    A read that times out ends the request (the client never sent what it announced) and
    frees the thread. The next request on a kept-alive connection starts blocking again
    (gthread resets the socket), so the timeout covers bodies only.
    """
    sock = getattr(req.unreader, "sock", None)
    if sock is not None:
        sock.settimeout(body_timeout)
