# Facilitator — every target sets up what it needs, so a fresh clone needs only `make run` or `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
VENDOR_STAMP := static/vendor/.built-stamp
# The build's manifest is written last, so it is the bundles' stamp.
DIST_MANIFEST := static/dist/manifest.json
ASSET_SOURCES := $(shell find static/js static/shared static/css -type f)
MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
export FLASK_APP := facilitator.app:create_app

.PHONY: run test setup lint typecheck pytest jstest translations-extract translations-update vectors clean

run: setup
	$(BIN)/facilitator db upgrade
	$(BIN)/facilitator serve

test: setup lint typecheck jstest pytest

setup: $(STAMP) $(VENDOR_STAMP) $(DIST_MANIFEST) $(MO_FILES)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR_STAMP): $(NODE_STAMP) scripts/vendor.mjs scripts/csp.mjs
	node scripts/vendor.mjs
	touch $@

# The pages' bundles and stylesheets (static/dist/), rebuilt when a source or the build changes.
$(DIST_MANIFEST): $(VENDOR_STAMP) scripts/build.mjs scripts/csp.mjs $(ASSET_SOURCES)
	node scripts/build.mjs

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

# The type checker reads the vendored packages' declarations, written with the bundles.
lint: $(STAMP) $(VENDOR_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check facilitator facilitator_bench
	$(BIN)/lint-imports
	npx --no-install eslint static/js tests/js scripts eslint.config.js
	npx --no-install tsc --noEmit -p jsconfig.json

typecheck: $(STAMP)
	$(BIN)/mypy

# Unit tests of the pure browser modules (TD2, room state, glossary, anonymiser) on Node.
jstest: $(VENDOR_STAMP)
	node --test tests/js/

pytest: setup
	$(BIN)/pytest

# Re-extract every string (Python, templates, JavaScript) and merge into each locale's catalogue.
translations-extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-wrap --sort-by-file \
	  --project=Facilitator --copyright-holder="Facilitator contributors" --omit-header \
	  -o translations/messages.pot .

translations-update: translations-extract
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-wrap --ignore-obsolete

vectors: $(STAMP)
	$(BIN)/python scripts/gen_vectors.py

clean:
	rm -rf $(VENV) node_modules static/vendor static/dist instance translations/*/LC_MESSAGES/*.mo
