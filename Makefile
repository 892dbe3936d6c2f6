# Two commands do all the set-up on a fresh Debian 12 / Ubuntu machine:
#   make run    install what is needed, migrate, load the demo data, serve http://127.0.0.1:8000
#               (with the task worker for large ledger imports in the background)
#   make test   install what is needed and run every test (DATABASE_URL picks PostgreSQL)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test install system-deps lint format clean screenshots

# Debian's chromium drives the end-to-end tests; where the distribution has none (Ubuntu ships only a snap),
# Playwright fetches its own build.
$(VENV)/.installed: requirements.txt requirements-dev.txt scripts/install-system-deps.sh
	bash scripts/install-system-deps.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	test -x /usr/bin/chromium || $(PY) -m playwright install --with-deps chromium
	touch $@

install: $(VENV)/.installed

system-deps:
	bash scripts/install-system-deps.sh

run: install
	mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 PY=$(PY) HOST=$(HOST) bash scripts/run-with-worker.sh

test: install
	SECRET_KEY=test-only-not-secret DEBUG=0 $(PY) -m pytest $(PYTEST_ARGS)

# The README's screenshots (docs/screenshots/*.png), taken by the end-to-end journeys in Chromium.
screenshots: install
	E2E_README_SHOTS=docs/screenshots SECRET_KEY=test-only-not-secret DEBUG=0 $(PY) -m pytest -q tests/e2e/test_staff_journey.py tests/e2e/test_leader_journey.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var/staticfiles
