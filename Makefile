# The two commands a new user needs:
#   make run   - set everything up and serve the demo on http://127.0.0.1:8000
#                the way production does (gunicorn, WhiteNoise, DEBUG off)
#   make test  - set everything up and run the whole test suite
# `make dev` serves the same demo with Django's autoreloading development server.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The local demo's signing key: random, made once, kept out of git under var/.
DEMO_KEY ?= var/demo-secret-key
# Where `make run` and `make dev` listen.
RUN_ADDRESS ?= 127.0.0.1:8000

.PHONY: run dev test test-fast setup system-deps test-system-deps services messages lint format migrate \
	demo bench worker

# Dependencies come from uv.lock only (pyproject.toml declares them): every
# group, so tests and tools are there. The image installs the runtime alone.
$(STAMP): uv.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv
	$(BIN)/uv sync --frozen --quiet --python $(BIN)/python --extra s3
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

$(DEMO_KEY): | setup
	mkdir -p $(dir $@)
	umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# Production settings on the embedded default (SQLite, jobs in-process): the
# portal's own error pages, static files from WhiteNoise. Cookies are not
# marked Secure because the demo is plain HTTP on the loopback.
ifndef SECRET_KEY
run dev demo: export SECRET_KEY_FILE ?= $(abspath $(DEMO_KEY))
endif
run dev demo: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
run dev demo: export SECURE_COOKIES ?= false
dev: export DEBUG ?= true

demo: $(DEMO_KEY) migrate
	$(BIN)/python manage.py seed_demo

run: demo
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn spbe_portal.wsgi --config spbe_portal/gunicorn.conf.py --bind $(RUN_ADDRESS)

dev: demo
	$(BIN)/python manage.py runserver $(RUN_ADDRESS)

test: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/spbe_portal
test: export REDIS_URL ?= redis://127.0.0.1:6379/15
test: export SECRET_KEY ?= test-only-secret-key-not-for-production
test: messages test-system-deps services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# The quick loop while working: no browser, worker, multi-node or other slow
# test; stops at the first failure. `make test` still runs everything.
test-fast: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/spbe_portal
test-fast: export REDIS_URL ?= redis://127.0.0.1:6379/15
test-fast: export SECRET_KEY ?= test-only-secret-key-not-for-production
test-fast: messages services
	$(BIN)/pytest -m "not browser and not worker and not slow" -x -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks at national scale on the local PostgreSQL (a throwaway database
# spbe_bench) and Redis; rewrites the results in docs/PERFORMANCE.md.
# Not part of `make test`. BENCH_DURATION is the load test's length in seconds
# (300 officers; then the ramp, half of it per step, for at most 4 × it).
BENCH_DURATION ?= 60
bench: export SECRET_KEY ?= benchmark-only-secret-key-not-for-production
bench: messages services
	$(BIN)/python bench/run.py --duration $(BENCH_DURATION)

# A Celery worker with the beat scheduler, for a portal configured with REDIS_URL.
worker: migrate
	$(BIN)/celery -A spbe_portal worker -B --loglevel=info
