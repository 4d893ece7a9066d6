# wellled: `make run` for the demo trust, `make test` for the whole suite.
# Needs only Python 3.11+ and make. Everything else installs into .venv from
# requirements.lock, from PyPI alone.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo database `make run` creates on its first run (unless DATABASE_URL is set).
VAR_DB := var/wellled.sqlite3
# pip's own configuration on a machine may add other indexes; the lock installs from PyPI.
PIP := PIP_CONFIG_FILE=/dev/null $(BIN)/python -m pip

.PHONY: run test lint typecheck check-migrations assets bench bench-spc bench-complaints bench-demo clean install loadtest

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "wellled needs Python 3.11 or newer on PATH"; exit 1; }
	@echo "Installing wellled's dependencies into $(VENV): the first time takes a few minutes..."
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet --require-hashes -r requirements.lock
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# The demo trust on SQLite at http://$(HOST):$(PORT) (default http://127.0.0.1:8000), with a background worker.
# Two-factor login is off for the demo (a banner says so); never in production.
run: $(STAMP)
	@test -n "$$DATABASE_URL" -o -e $(VAR_DB) || echo "First run: creating the database and loading the demo trust takes a few minutes..."
	WELLLED_REQUIRE_2FA=false $(BIN)/wellled migrate --no-input -v 0
	WELLLED_REQUIRE_2FA=false $(BIN)/wellled createcachetable
	WELLLED_REQUIRE_2FA=false $(BIN)/wellled demo --if-empty --url http://$(HOST):$(PORT)/
	@echo "wellled is starting at http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	WELLLED_REQUIRE_2FA=false $(BIN)/wellled serve --host $(HOST) --port $(PORT)

# The whole suite. Browser tests run when /usr/bin/chromium exists; with
# WELLLED_REQUIRE_BROWSER=1 (as in CI) a missing browser is a failure.
test: $(STAMP)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache --no-logo

typecheck: $(STAMP)
	$(BIN)/mypy wellled

check-migrations: $(STAMP)
	$(BIN)/wellled makemigrations --check --dry-run

# Refreshes the vendored NHS.UK frontend and htmx from the npm registry.
assets:
	npm ci --no-audit --no-fund
	bash scripts/vendor-assets.sh

bench: $(STAMP)
	$(BIN)/python -m bench
	$(BIN)/python -m bench.spc
	$(BIN)/python -m bench.reports
	$(BIN)/python -m bench.speakup
	$(BIN)/python -m bench.api_schema
	$(BIN)/python -m bench.demo

# The SPC engine on 1 x 1,000,000 and 10,000 x 36 points. BENCH_ARGS=--peers also
# installs abspc and controlchartspy into a throwaway virtualenv and times them (slow).
bench-spc: $(STAMP)
	$(BIN)/python -m bench.spc $(BENCH_ARGS)

# `wellled demo` as a whole process on a fresh SQLite database, against `wellled migrate`
# of the same database in the same run.
bench-demo: $(STAMP)
	$(BIN)/python -m bench.demo $(BENCH_ARGS)

# 1,000,000 complaints on PostgreSQL: DATABASE_URL must name a scratch database,
# whose complaints are deleted.
bench-complaints: $(STAMP)
	$(BIN)/python -m bench.complaints $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(LOADTEST_VENV) var .pytest_cache .mypy_cache .ruff_cache

# Load and fault test on PostgreSQL and Redis (docs/deployment.md, "Load test"): two app
# servers, two workers, LOADTEST_USERS (50) people for LOADTEST_MINUTES (10), a worker
# killed and an app server restarted on the way. Not part of CI. locust runs from its
# own virtualenv, locked with hashes in bench/loadtest/requirements.lock.
LOADTEST_VENV := .venv-loadtest
$(LOADTEST_VENV)/.installed: bench/loadtest/requirements.lock
	$(PYTHON) -m venv $(LOADTEST_VENV)
	PIP_CONFIG_FILE=/dev/null $(LOADTEST_VENV)/bin/python -m pip install --quiet --require-hashes -r bench/loadtest/requirements.lock
	touch $@

loadtest: $(STAMP) $(LOADTEST_VENV)/.installed
	nice -n 10 $(BIN)/python -m bench.loadtest
