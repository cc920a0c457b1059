# The two commands a new user needs:
#   make run   - set everything up and start the portal on http://127.0.0.1:8000
#   make test  - set everything up and run the whole test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup system-deps test-system-deps services messages lint format migrate bench worker

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --python $(BIN)/python --quiet -r requirements.lock
	touch $(STAMP)

setup: $(STAMP)

# Debian packages, installed only when missing (needs root, as on CI).
system-deps:
	@sh .ci/system-deps

test-system-deps:
	@sh .ci/system-deps test

services:
	@sh .ci/start-services

# Translation catalogues are compiled, not committed: locale/*/LC_MESSAGES/*.mo.
messages: setup system-deps
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

migrate: messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_frameworks

run: export DEBUG ?= true
run: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/spbe_portal
test: export REDIS_URL ?= redis://127.0.0.1:6379/15
test: export SECRET_KEY ?= test-only-secret-key-not-for-production
test: messages test-system-deps services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks at national scale on the local PostgreSQL (a throwaway database
# spbe_bench) and Redis; rewrites the results in docs/PERFORMANCE.md.
# Not part of `make test`. BENCH_DURATION is the load test's length in seconds.
BENCH_DURATION ?= 60
bench: export SECRET_KEY ?= benchmark-only-secret-key-not-for-production
bench: messages services
	$(BIN)/python bench/run.py --duration $(BENCH_DURATION)

# A Celery worker with the beat scheduler, for a portal configured with REDIS_URL.
worker: migrate
	$(BIN)/celery -A spbe_portal worker -B --loglevel=info
