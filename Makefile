# 社区共建任务台账 — the two commands that matter: `make run` and `make test`.
#
#   make run           venv + dependencies, compile translations, migrate, demo data (and one
#                      send-reminders run, so 消息 has the demo's reminders),
#                      serve on http://127.0.0.1:5000 (TRACKER_ENV=development)
#   make run-empty     the same without demo data: an empty installation of its own
#                      (instance/empty.sqlite3), as a new bureau starts; its first admin:
#                      make create-admin PHONE=13900000000 NAME=王管理 UNIT=县商务局
#   make test          the suite on SQLite, again on a throw-away PostgreSQL 15, then test-deploy
#   make test-sqlite   the whole suite on SQLite (unit, integration, browser)
#   make test-pg       the whole suite on PostgreSQL 15 (started and stopped by scripts/pg.sh)
#   make test-browser  only the real-browser tests (Playwright + /usr/bin/chromium)
#   make test-deploy   nginx + two gunicorn + PostgreSQL + Redis, started for real
#   make messages      extract msgids and update the catalogs (tracker/translations)
#   make translations  compile the catalogs (.po → .mo; the .mo files are committed)
#   make static        build static/css, static/js from their commented sources in assets/
#   make lint          byte-compile, bandit (security lint), pip-audit (when it can
#                      reach its data), ruff (ruff.toml: unused imports, undefined names)
#   make clean         remove the venv, caches and test artifacts
#
# Extra pytest arguments: make test-sqlite PYTEST_ARGS="-k claim -x"

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(PY) -m flask --app wsgi
STAMP := $(VENV)/.requirements-installed
# installed by requirements-dev.txt; RUFF=… runs another copy of the same version
RUFF ?= $(VENV)/bin/ruff
ARTIFACTS := test-artifacts
PYTEST_ARGS ?=
# Two workers (pytest-xdist): the machines have two cores. Each worker builds its apps
# and its database once (its own PostgreSQL database, or SQLite files on /dev/shm) and
# puts a snapshot back before each test (tests/dbstate.py, docs/testing.md).
# worksteal: an idle worker takes tests queued on the other, so a long test (the
# property test, a race) does not leave one core idle at the end. JOBS=0: one process.
JOBS ?= 2
PYTEST := $(PY) -m pytest -n $(JOBS) --dist worksteal --durations=15 $(PYTEST_ARGS)

# Bytecode kept between runs, outside the tree: on these machines PYTHONDONTWRITEBYTECODE
# is set, so every pytest worker rewrote the asserts of all ~150 test modules again (≈ 5 s
# of CPU before its first test) and every `flask`, gunicorn and racing subprocess compiled
# the app's modules again. Python and pytest both write to, and read from, this prefix.
PYCACHE := $(CURDIR)/.pycache
export PYTHONPYCACHEPREFIX := $(PYCACHE)
unexport PYTHONDONTWRITEBYTECODE

HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: help run run-empty create-admin test test-sqlite test-pg test-browser test-deploy messages translations static lint clean

help:
	@sed -n '3,19p' Makefile | sed 's/^# \{0,1\}//'

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file changed since the last install.
$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

# ---------------------------------------------------------------- run

run: $(STAMP) translations
	mkdir -p instance
	TRACKER_ENV=development $(FLASK) db upgrade
	TRACKER_ENV=development $(FLASK) seed-demo
	TRACKER_ENV=development $(FLASK) send-reminders
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	TRACKER_ENV=development $(FLASK) run --host $(HOST) --port $(PORT)

# An empty installation beside the demo's (never mixed with it): what a bureau starting
# from nothing has after docs/deploy.md's step 6, on SQLite. Its first admin is made by
# create-admin, in another terminal while it serves or before (the password is asked).
EMPTY := TRACKER_ENV=development DATABASE_URL=sqlite:///$(CURDIR)/instance/empty.sqlite3

run-empty: $(STAMP) translations
	mkdir -p instance
	$(EMPTY) $(FLASK) db upgrade
	@echo "Serving an empty installation on http://$(HOST):$(PORT)/ (Ctrl-C to stop);"
	@echo "its first admin: make create-admin PHONE=13900000000 NAME=王管理 UNIT=县商务局"
	$(EMPTY) $(FLASK) run --host $(HOST) --port $(PORT)

create-admin: $(STAMP)
	mkdir -p instance
	$(EMPTY) $(FLASK) db upgrade
	$(EMPTY) $(FLASK) create-admin --phone "$(PHONE)" --name "$(NAME)" --unit "$(UNIT)"

# ---------------------------------------------------------------- tests
# Each run writes JUnit XML to $(ARTIFACTS)/ (.ci/run checks that tests really ran);
# pytest exits non-zero when a test fails and when no test was collected.

test: $(STAMP)
	@status=0; \
	$(MAKE) --no-print-directory test-sqlite || status=1; \
	$(MAKE) --no-print-directory test-pg || status=1; \
	$(MAKE) --no-print-directory test-deploy || status=1; \
	if [ $$status -ne 0 ]; then echo "make test: FAILED (see the runs above)" >&2; fi; \
	exit $$status

test-sqlite: $(STAMP)
	@mkdir -p $(ARTIFACTS)
	@echo "== tests on SQLite =="
	env -u TEST_DATABASE_URL $(PYTEST) -m "not deploy" --junitxml=$(ARTIFACTS)/junit-sqlite.xml

test-pg: $(STAMP)
	@mkdir -p $(ARTIFACTS)
	@echo "== tests on PostgreSQL 15 =="
	SCREENSHOTS=$${SCREENSHOTS:-failures} scripts/pg.sh run $(PYTEST) -m "not deploy" \
		--junitxml=$(ARTIFACTS)/junit-postgresql.xml

test-browser: $(STAMP)
	@mkdir -p $(ARTIFACTS)
	env -u TEST_DATABASE_URL $(PYTEST) -m browser tests/browser

# One set of servers for the whole run (tests/deploy/conftest.py starts and stops them),
# so one pytest worker; they start their own PostgreSQL cluster.
test-deploy: $(STAMP)
	@mkdir -p $(ARTIFACTS)
	@echo "== deployment tests: nginx, gunicorn, PostgreSQL, Redis =="
	env -u TEST_DATABASE_URL $(PY) -m pytest -p no:xdist --durations=10 $(PYTEST_ARGS) \
		-m deploy tests/deploy --junitxml=$(ARTIFACTS)/junit-deploy.xml

# ---------------------------------------------------------------- translations

messages: $(STAMP)
	$(PY) scripts/messages.py update

translations: $(STAMP)
	$(PY) scripts/messages.py compile

# ---------------------------------------------------------------- static files

# static/css and static/js are built from their commented sources in assets/ (committed,
# as the compiled translations are): run after editing a file there.
static: $(STAMP)
	$(PY) scripts/build_static.py

# ---------------------------------------------------------------- housekeeping

lint: $(STAMP)
	$(PY) -m compileall -q tracker tests scripts bench wsgi.py
	$(VENV)/bin/bandit -c bandit.yaml -r tracker -q
	$(PY) scripts/audit.py
	$(RUFF) check .

clean:
	rm -rf $(VENV) $(ARTIFACTS) $(PYCACHE) build .pytest_cache .hypothesis .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
