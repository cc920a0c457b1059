# One image for every role (web, worker, beat); docker-compose.yml picks the
# command. Build: docker compose build
#
# Two stages: the first resolves and installs the runtime dependencies from
# uv.lock into /opt/venv; the second copies only that environment, so neither
# uv, nor compilers, nor the test tools (pytest, Playwright, schemathesis,
# Hypothesis, which live in dependency groups) reach the running image.

# --- build: the runtime virtual environment -----------------------------------
FROM python:3.11-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv

RUN pip install "uv==0.13.9"

WORKDIR /app
COPY pyproject.toml uv.lock ./
# --no-default-groups: none of the dev/test groups; --extra s3: object
# storage, so a deployment switches to it by configuration alone.
RUN uv sync --frozen --no-default-groups --extra s3 --no-install-project \
    && rm -rf /root/.cache

# --- runtime ------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    SPBE_VAR_DIR=/var/lib/spbe

# WeasyPrint renders the PDF reports through Pango and HarfBuzz; without
# these libraries it imports but fails at the first report. The fonts are the
# ones the report styles name, so PDFs look the same on every host. gettext
# compiles the translation catalogues, which are not committed.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gettext \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libffi8 \
        fonts-dejavu-core \
        fonts-noto-core \
        shared-mime-info \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 spbe \
    && useradd --system --uid 10001 --gid spbe --home-dir /app --no-create-home spbe

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
COPY . .

# Static files are baked into the image (served by WhiteNoise), outside the
# files volume, so a new image never serves stale assets. The key only exists
# for these build steps: settings refuse to load without one when DEBUG is off.
RUN export SECRET_KEY=build-only-not-a-secret \
    && python manage.py compilemessages --ignore=.venv --verbosity 0 \
    && python manage.py collectstatic --noinput \
    && mkdir -p "$SPBE_VAR_DIR/files" \
    && chown spbe:spbe "$SPBE_VAR_DIR" "$SPBE_VAR_DIR/files"

USER spbe
EXPOSE 8000
CMD ["gunicorn", "spbe_portal.wsgi", "--config", "spbe_portal/gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
