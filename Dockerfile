# One image for every role (web, worker, beat); docker-compose.yml picks the
# command. Build: docker compose build
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
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

WORKDIR /app

# Dependencies before the code, so a code change does not reinstall them.
COPY requirements.lock ./
RUN pip install -r requirements.lock

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
CMD ["gunicorn", "spbe_portal.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
