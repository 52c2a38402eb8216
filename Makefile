# Emporium's commands. `make run` and `make test` are all a fresh clone needs.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# make run's web port (honcho would otherwise give the web process 5000)
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)

.DEFAULT_GOAL := help
.PHONY: help install run test lint worker beat schema migrate demo lock clean image-check

help:  ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)  ## Create the virtual environment and install pinned dependencies

run: install  ## Serve the app (embedded mode): migrate, demo data, web + worker + beat
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_data
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho --procfile Procfile.dev start --port $(PORT)

test: install  ## The whole suite (SQLite by default; PostgreSQL + Redis when their URLs are set)
	$(BIN)/pytest -n auto --dist loadgroup

lint: install  ## ruff check, ruff format --check, mypy, lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

worker: install  ## A Celery worker consuming every queue
	$(BIN)/celery -A config worker --loglevel=INFO

beat: install  ## Celery beat (periodic relay and housekeeping)
	$(BIN)/celery -A config beat --loglevel=INFO

schema: install  ## Write the OpenAPI schema to docs/openapi.yaml
	$(PY) manage.py spectacular --file docs/openapi.yaml --validate --fail-on-warn

migrate: install  ## Apply migrations
	$(PY) manage.py migrate --noinput

image-check: install  ## Build the image with podman and run it for real (deploy/image_check.py)
	@command -v podman >/dev/null || { echo "podman is needed: bash ../shared/tools/container-engine.sh"; exit 1; }
	$(PY) deploy/image_check.py

lock:  ## Re-pin the whole dependency tree into requirements.lock after editing pyproject.toml
	$(PY) -m pip freeze --exclude-editable | grep -v '^emporium' > requirements.lock

clean:  ## Remove the virtual environment and local state (.local/)
	rm -rf $(VENV) .local staticfiles
