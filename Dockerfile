# syntax=docker/dockerfile:1
# Emporium's production image: gunicorn serving config.wsgi; the same image runs the Celery
# worker and beat (compose.yaml picks the command). Production mode: DEBUG off, so the app
# refuses to start without SECRET_KEY, ALLOWED_HOSTS, METRICS_TOKEN and EVENT_ENCRYPTION_KEYS
# (ARCHITECTURE.md §6).
#
# Built and run for real by `make image-check` (podman; deploy/image_check.py): migrate, web,
# worker and beat from this image against PostgreSQL and Redis, then stopped with SIGTERM.
# tests/architecture/test_deploy_files.py holds this file and compose.yaml to their promises;
# docs/deploy.md says how to run it (ADR 0023).

# --- builder: a virtualenv with the pinned dependencies ------------------------------------
FROM python:3.11-slim AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
COPY pyproject.toml requirements.lock ./
# Runtime dependencies only (pyproject's list; [dev] is left out), every version pinned by
# the lock. No code is copied into this stage, so a code change reuses this layer; the
# runtime stage runs the source tree itself (PYTHONPATH=/app).
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > runtime-requirements.txt \
    && pip install -c requirements.lock -r runtime-requirements.txt

# --- runtime: slim, non-root ---------------------------------------------------------------
FROM python:3.11-slim AS runtime

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings \
    DEBUG=false \
    STATIC_ROOT=/app/staticfiles \
    PORT=8000 \
    WEB_CONCURRENCY=3 \
    GUNICORN_TIMEOUT=30 \
    FORWARDED_ALLOW_IPS=*

RUN groupadd --system --gid 10001 emporium \
    && useradd --system --uid 10001 --gid emporium --home-dir /app --shell /usr/sbin/nologin emporium

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# The source tree comes first on the path (PYTHONPATH), so files that live beside the code
# (templates, JSON) are found whatever setuptools packed into the virtualenv.
COPY manage.py ./
COPY config ./config
COPY contexts ./contexts
COPY shared_kernel ./shared_kernel

# Static files are collected at build time with a throwaway production-mode environment:
# none of these values reaches the running container.
RUN SECRET_KEY=build-time-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=build.invalid \
    METRICS_TOKEN=build-time-only \
    EVENT_ENCRYPTION_KEYS=YnVpbGQtdGltZS1vbmx5LW5vdC1hLXNlY3JldC0wMDA= \
    CELERY_BROKER_URL=memory:// \
    EMPORIUM_LOCAL_DIR=/tmp/build-local \
    python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-local

# Every path a process writes is under /tmp, so the root filesystem can be read-only
# (Kubernetes mounts an emptyDir there): beat's schedule (EMPORIUM_LOCAL_DIR) and one
# metrics file per process (PROMETHEUS_MULTIPROC_DIR: /metrics adds up every gunicorn
# worker). The entrypoint makes both and empties the metrics one, then execs the command.
ENV EMPORIUM_LOCAL_DIR=/tmp/emporium \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus-multiproc
COPY deploy/entrypoint.sh /usr/local/bin/emporium-entrypoint
ENTRYPOINT ["/usr/local/bin/emporium-entrypoint"]

USER emporium

EXPOSE 8000

# Liveness only (/health/live checks nothing but the process); "localhost" must be in
# ALLOWED_HOSTS (see .env.example). /health/ is exempt from the HTTPS redirect.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(urllib.request.Request(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/health/live\", headers={'Host': 'localhost'}), timeout=4)"]

# gunicorn's settings are config/gunicorn.conf.py's (ADR 0019), each read from the
# environment: WEB_CONCURRENCY processes of GUNICORN_THREADS threads (gthread), so a slow
# client holds a thread, never a process; timeouts and request limits. FORWARDED_ALLOW_IPS
# names who may set X-Forwarded-* (the container only listens on its network; compose puts
# nginx in front, deploy/nginx.conf).
CMD ["gunicorn", "-c", "config/gunicorn.conf.py"]
