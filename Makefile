# Two commands do all the set-up on a fresh Debian 12 / Ubuntu machine:
#   make run    install what is needed, migrate, load the demo data, serve http://127.0.0.1:8000
#               (with the task worker for large ledger imports in the background)
#   make test   install what is needed and run every test (DATABASE_URL picks PostgreSQL)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test install install-test system-deps lint format clean screenshots

# What serving the product needs: its Debian packages and requirements.txt. Nothing for tests, no browser.
$(VENV)/.installed-run: requirements.txt scripts/install-system-deps.sh
	bash scripts/install-system-deps.sh run
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# What the tests need on top: poppler, NSS tools, Debian's Chromium, CJK fonts, wrk and requirements-dev.txt.
# Nothing downloads a browser: where the distribution has no Chromium, the end-to-end tests fail and say why.
$(VENV)/.installed-test: $(VENV)/.installed-run requirements-dev.txt
	bash scripts/install-system-deps.sh test
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed-run

install-test: $(VENV)/.installed-test

system-deps:
	bash scripts/install-system-deps.sh test

run: install
	mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 PY=$(PY) HOST=$(HOST) bash scripts/run-with-worker.sh

# E2E_REQUIRED: a missing Chromium fails the end-to-end tests instead of skipping them.
test: install-test
	E2E_REQUIRED=1 $(PY) -m pytest $(PYTEST_ARGS)

# The README's screenshots (docs/screenshots/*.png), taken by the end-to-end journeys in Chromium.
screenshots: install-test
	E2E_README_SHOTS=docs/screenshots $(PY) -m pytest -q tests/e2e/test_staff_journey.py tests/e2e/test_leader_journey.py

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var/staticfiles
