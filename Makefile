# Strength Circles. The two commands a newcomer needs: `make run` and `make test`.
# Each sets itself up from nothing but Python 3.11+ (and Node 20+ for the web app).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
FRONTEND_BUILT := frontend/dist/index.html
FRONTEND_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	frontend/index.html frontend/package.json frontend/package-lock.json \
	frontend/vite.config.ts frontend/tsconfig.json

.PHONY: help install run test lint format migrate migration openapi bench lock frontend \
	system-deps clean

help:
	@echo "make run        install, migrate, seed demo data and serve on http://127.0.0.1:8000"
	@echo "make test       install, then run the suite on SQLite and on a throwaway PostgreSQL"
	@echo "make lint       ruff check, ruff format --check, mypy --strict"
	@echo "make migrate    apply migrations to CIRCLES_DATABASE_URL (default: var/circles.db)"
	@echo "make migration m=\"what changed\"   autogenerate a migration to review"
	@echo "make openapi    write openapi/openapi.json from the app"
	@echo "make bench      benchmarks: optimal mentor matching at scale against a greedy baseline"
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

$(FRONTEND_BUILT): $(FRONTEND_SOURCES)
	@if command -v npm >/dev/null 2>&1; then \
		cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build; \
	else \
		echo "npm not found: the API runs, and / shows how to build the web app (Node 20+)."; \
	fi

frontend: $(FRONTEND_BUILT)

run: install frontend
	$(BIN)/circles seed demo
	@echo "Strength Circles: http://127.0.0.1:8000  (API docs: http://127.0.0.1:8000/docs)"
	$(BIN)/circles serve --host 127.0.0.1 --port 8000

# PostgreSQL's server is installed when missing and we may (root with apt); otherwise the
# suite skips PostgreSQL with a message, or fails when CI=true.
system-deps:
	@scripts/ensure-system-packages.sh

test: install system-deps
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict backend bench

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

openapi: install
	$(BIN)/circles openapi --output openapi/openapi.json

bench: install
	$(BIN)/python -m bench.matching

lock: install
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist .pytest_cache .mypy_cache .ruff_cache
