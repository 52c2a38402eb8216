#!/bin/sh
# The image's entrypoint: readies the directories the process writes, then becomes the
# command (`exec`, so gunicorn or Celery is PID 1 and receives the orchestrator's SIGTERM).
#
# PROMETHEUS_MULTIPROC_DIR holds one file per process (gunicorn workers, Celery's pool);
# /metrics adds up every file in it. A restarted container keeps its /tmp (and a Kubernetes
# pod its emptyDir), so the files of the previous run's processes would be added up as if
# they were alive: the directory is emptied here, before any process of this run starts.
# It belongs to this container alone; never share it between containers.
set -eu

if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    find "$PROMETHEUS_MULTIPROC_DIR" -mindepth 1 -delete
fi
if [ -n "${EMPORIUM_LOCAL_DIR:-}" ]; then
    mkdir -p "$EMPORIUM_LOCAL_DIR"
fi

exec "$@"
