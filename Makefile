# The two commands a new user needs:
#   make run   - set everything up and start the portal on http://127.0.0.1:8000
#   make test  - set everything up and run the whole test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup system-deps services lint format migrate bench worker

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --python $(BIN)/python --quiet -r requirements.lock
	touch $(STAMP)

setup: $(STAMP)

# Debian packages the tests drive: Chromium for the browser tests, fonts and
# poppler for PDF checks. Installed only when missing (needs root, as on CI).
system-deps:
	@sh .ci/system-deps

services:
	@sh .ci/start-services

migrate: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_frameworks

run: export DEBUG ?= true
run: migrate
	$(BIN)/python manage.py compilemessages --ignore=.venv >/dev/null 2>&1 || true
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/spbe_portal
test: export REDIS_URL ?= redis://127.0.0.1:6379/15
test: export SECRET_KEY ?= test-only-secret-key-not-for-production
test: setup system-deps services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
