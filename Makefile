# Strength Circles. The two commands a newcomer needs: `make run` and `make test`.
# Each sets itself up from nothing but Python 3.11+ (and Node 20+ for the web app).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
FRONTEND_BUILT := frontend/dist/index.html
FRONTEND_INSTALLED := frontend/node_modules/.installed
FRONTEND_PACKAGES := frontend/package.json frontend/package-lock.json frontend/client/package.json
FRONTEND_SOURCES := $(shell find frontend/src frontend/public frontend/client/src frontend/sw \
	-type f 2>/dev/null) frontend/index.html frontend/vite.config.ts frontend/tsconfig.json \
	frontend/scripts/check-bundle-size.mjs
# Browser tests use Debian's chromium; Playwright never downloads one.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: help install run dev test test-python test-web lint typecheck-python format migrate migration openapi \
	bench bench-short lock frontend frontend-deps system-deps clean

help:
	@echo "make run        install, migrate, seed demo data and serve on http://127.0.0.1:8000"
	@echo "make test       install, then run the suite on SQLite and on a throwaway PostgreSQL,"
	@echo "                the web app's unit tests and its browser tests in Debian's chromium"
	@echo "make dev        the API on :8000 and the web app's dev server on :5173 (live reload)"
	@echo "make lint       ruff check, ruff format --check, mypy --strict (tests too)"
	@echo "make migrate    apply migrations to CIRCLES_DATABASE_URL (default: var/circles.db)"
	@echo "make migration m=\"what changed\"   autogenerate a migration to review"
	@echo "make openapi    write openapi/openapi.json from the app and the client's types from it"
	@echo "make bench      the load benchmark (SQLite, PostgreSQL x1 and x2 workers, a large seed)"
	@echo "                and mentor matching at scale; writes bench/results/. bench-short: CI-sized"
	@echo "make lock       re-pin requirements.lock from pyproject.toml"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 11) else \
		f"Strength Circles needs Python 3.11 or newer; {sys.executable} is {v.major}.{v.minor}. \
		Run make with PYTHON=python3.11 (or newer).")'
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

install: $(INSTALLED)

$(FRONTEND_INSTALLED): $(FRONTEND_PACKAGES)
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend-deps: $(FRONTEND_INSTALLED)

# Without npm, `make run` still serves the API, and / says how to build the web app.
$(FRONTEND_BUILT): $(FRONTEND_PACKAGES) $(FRONTEND_SOURCES)
	@if command -v npm >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory frontend-deps && cd frontend && npm run build; \
	else \
		echo "npm not found: the API runs, and / shows how to build the web app (Node 20+)."; \
	fi

frontend: $(FRONTEND_BUILT)

run: install frontend
	$(BIN)/circles seed demo
	@echo "Strength Circles: http://127.0.0.1:8000  (API docs: http://127.0.0.1:8000/docs)"
	$(BIN)/circles serve --host 127.0.0.1 --port 8000

dev: install frontend-deps
	$(BIN)/circles seed demo
	@echo "API on http://127.0.0.1:8000; the web app with live reload on http://127.0.0.1:5173"
	@trap 'kill 0' EXIT; $(BIN)/circles serve --host 127.0.0.1 --port 8000 & \
		cd frontend && npm run dev -- --host 127.0.0.1 --port 5173

# PostgreSQL's server and Debian's chromium are installed when missing and we may (root with
# apt); otherwise the suite skips what needs them with a message, or fails when CI=true.
system-deps:
	@scripts/ensure-system-packages.sh

test: test-python test-web

# In parallel (pytest-xdist, see pyproject.toml), with the coverage of backend/ printed and held
# to the floor fail_under sets there.
test-python: install system-deps
	$(BIN)/pytest --cov --cov-report=term

# The web app: types, unit tests (Vitest), the production build with its size budget, then the
# browser tests (Playwright) against that build served by the real backend.
test-web: install system-deps frontend-deps
	cd frontend && npm run typecheck
	cd frontend && npm test
	cd frontend && npm run build
	@if [ -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then \
		cd frontend && npx playwright test; \
	elif [ "$$CI" = "true" ]; then \
		echo "chromium is missing: the browser tests cannot run." >&2; exit 1; \
	else \
		echo "chromium not found: skipping the browser tests (apt-get install chromium)."; \
	fi

lint: install frontend-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory typecheck-python
	cd frontend && npm run typecheck

# One list of what mypy checks, for `make lint` and the pre-commit hook.
typecheck-python: install
	$(BIN)/mypy --strict backend bench tests

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: install
	$(BIN)/circles migrate

migration: install
	@test -n "$(m)" || (echo 'usage: make migration m="what changed"' && exit 2)
	$(BIN)/circles migrate
	$(BIN)/alembic revision --autogenerate -m "$(m)"
	@echo "Read the new file under migrations/versions/ and give it a working downgrade()."

openapi: install frontend-deps
	$(BIN)/circles openapi --output openapi/openapi.json
	cd frontend && npm run openapi

# The load benchmark seeds its databases once (kept in var/bench and the temporary folder) and
# drives the server with wrk on loopback; see bench/README.md.
bench: install
	@scripts/ensure-system-packages.sh bench
	$(BIN)/python -m bench.load

bench-short: install
	@scripts/ensure-system-packages.sh bench
	$(BIN)/python -m bench.load --short

lock: install
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist frontend/e2e-results .pytest_cache .coverage \
		.mypy_cache .ruff_cache
