# One command to run the app, one to run every test. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# The PDF's font: DejaVu Sans covers Danish and Arabic (shaped by uharfbuzz).
FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
export FLASK_APP := citizen_portal

.DEFAULT_GOAL := help
.PHONY: help run test check lint typecheck hooks translations clean bench mutation

## help: list these targets
help:
	@sed -n 's/^## \([a-z-]*\): \(.*\)/\1\t\2/p' $(MAKEFILE_LIST) | expand -t 14

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the dependency lists change.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --domain messages --input-file $< --output-file $@ --locale $*

MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

## run: install, migrate, load demo data and serve on http://localhost:5000
run: $(VENV)/.installed $(MO_FILES) $(FONT)
	$(BIN)/flask db-upgrade
	$(BIN)/flask load-demo
	@echo "Open http://localhost:5000 and sign in as a demo person."
	$(BIN)/flask run --host 127.0.0.1 --port 5000

tests/oidc/node_modules/.package-lock.json: tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund

# Debian's Chromium for the browser tests (Playwright never downloads one).
/usr/bin/chromium:
	apt-get update && apt-get install -y chromium

# Installed by Debian when missing (fonts-dejavu-core).
$(FONT):
	apt-get update && apt-get install -y fonts-dejavu-core

## lint: ruff's rules and formatting, and the import contracts (lint-imports)
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## typecheck: mypy (strict) over the package, the tests and the bench
typecheck: $(VENV)/.installed
	$(BIN)/mypy

## check: lint and typecheck (no tests)
check: lint typecheck
	@echo "lint and typecheck passed"

## test: install everything the tests need, lint, type-check and run the whole suite with its coverage floor
test: $(VENV)/.installed $(MO_FILES) tests/oidc/node_modules/.package-lock.json /usr/bin/chromium $(FONT) check
	$(BIN)/pytest --cov --cov-report=term:skip-covered

# Debian's wrk, the load generator of bench/pages.py.
/usr/bin/wrk:
	apt-get update && apt-get install -y wrk

## bench: load benchmarks on PostgreSQL: pages, a 1-minute soak, a restart (docs/performance.md)
bench: $(VENV)/.installed $(MO_FILES) /usr/bin/wrk
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/soak.py --seconds 60
	$(BIN)/python bench/faults.py

## mutation: mutmut over the rules that decide who sees what (17 to 41 minutes on 2 cores; docs/testing.md)
mutation: $(VENV)/.installed $(MO_FILES)
	rm -f mutants/test-template.db
	TEST_SQLITE_TEMPLATE=$(CURDIR)/mutants/test-template.db $(BIN)/mutmut run --max-children $$(nproc)
	$(BIN)/mutmut results

## hooks: install the pre-commit hooks (ruff, mypy, import contracts from .venv)
hooks: $(VENV)/.installed
	$(BIN)/pre-commit install

## translations: re-extract messages and merge them into every catalogue
translations: $(VENV)/.installed
	$(BIN)/python -m citizen_portal.i18n_catalogues update

## clean: remove the venv, npm packages, instance data, test artifacts and compiled catalogues
clean:
	rm -rf $(VENV) tests/oidc/node_modules instance test-artifacts translations/*/LC_MESSAGES/*.mo
