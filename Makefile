# One command to run the app, one to run every test. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := citizen_portal

.PHONY: run test check lint typecheck pytest translations clean

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
run: $(VENV)/.installed $(MO_FILES)
	$(BIN)/flask db-upgrade
	$(BIN)/flask load-demo
	@echo "Open http://localhost:5000 and sign in as a demo person."
	$(BIN)/flask run --host 127.0.0.1 --port 5000

tests/oidc/node_modules/.package-lock.json: tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund

# Debian's Chromium for the browser tests (Playwright never downloads one).
/usr/bin/chromium:
	apt-get update && apt-get install -y chromium

## test: install everything the tests need, lint, type-check and run the whole suite
test: $(VENV)/.installed $(MO_FILES) tests/oidc/node_modules/.package-lock.json /usr/bin/chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

## translations: re-extract messages and merge them into every catalogue
translations: $(VENV)/.installed
	$(BIN)/python -m citizen_portal.i18n_catalogues update

clean:
	rm -rf $(VENV) tests/oidc/node_modules instance test-artifacts translations/*/LC_MESSAGES/*.mo
