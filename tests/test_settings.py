"""Configuration from the environment: bad values stop the process instead of
running with a silently wrong setting, and an empty environment gives the
embedded default (SQLite under var/, Celery in-process).

Settings are read once per process, so each configuration is imported in a
fresh interpreter with an environment built from scratch.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from spbe_portal.env import (
    env_bool,
    env_int,
    env_list,
    env_path,
    env_required,
    env_secret,
    env_str,
)

REPO = Path(__file__).resolve().parent.parent

# --- The helpers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), (" Yes ", True), ("ON", True), ("0", False), ("off", False)],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X", raw)
    assert env_bool("X", not expected) is expected


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("X", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"X='maybe' is not a boolean"):
        env_bool("X", False)


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("X", raising=False)
    assert env_bool("X", True) is True


def test_env_int_refuses_non_integers(monkeypatch):
    monkeypatch.setenv("X", "abc")
    with pytest.raises(ImproperlyConfigured, match=r"X='abc' is not an integer"):
        env_int("X", 5)


def test_env_int_refuses_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("X", "59")
    with pytest.raises(ImproperlyConfigured, match=r"X=59 must be at least 60"):
        env_int("X", 600, minimum=60)


def test_env_int_reads_and_defaults(monkeypatch):
    monkeypatch.setenv("X", "60")
    assert env_int("X", 600, minimum=60) == 60
    monkeypatch.setenv("X", "")
    assert env_int("X", 600, minimum=60) == 600


def test_env_required(monkeypatch):
    monkeypatch.delenv("X", raising=False)
    with pytest.raises(ImproperlyConfigured, match="X is required"):
        env_required("X")
    monkeypatch.setenv("X", "value")
    assert env_required("X") == "value"


def test_env_list_and_str_and_path(monkeypatch, tmp_path):
    monkeypatch.setenv("X", " a.example , ,b.example")
    assert env_list("X", []) == ["a.example", "b.example"]
    monkeypatch.delenv("X")
    assert env_str("X", "fallback") == "fallback"
    assert env_path("X", tmp_path) == tmp_path
    monkeypatch.setenv("X", str(tmp_path / "sub" / ".."))
    assert env_path("X", Path("/nowhere")) == tmp_path.resolve()


# --- The settings module in a fresh process ------------------------------------------------

PROBE = """
import json
import django
from django.conf import settings
django.setup()
from spbe_portal.celery import app
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENGINE": db["ENGINE"],
    "NAME": str(db["NAME"]),
    "HOST": db.get("HOST", ""),
    "OPTIONS": db.get("OPTIONS", {}),
    "ALWAYS_EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "BROKER": settings.CELERY_BROKER_URL,
    "APP_EAGER": app.conf.task_always_eager,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
}))
"""


def import_settings(tmp_path, **environ):
    """Imports the settings with only `environ` set (plus PATH and the settings
    module). SPBE_VAR_DIR points at a temporary directory so the probe never
    touches the checkout's var/; pass None to unset a variable."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "spbe_portal.settings",
        "SPBE_VAR_DIR": str(tmp_path / "var"),
    }
    for key, value in environ.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def loaded(done) -> dict:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_secret_key_is_required_when_debug_is_off(tmp_path):
    done = import_settings(tmp_path)

    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "SECRET_KEY is required when DEBUG is off" in done.stderr


def test_debug_runs_without_a_secret_key(tmp_path):
    values = loaded(import_settings(tmp_path, DEBUG="true"))

    assert values["DEBUG"] is True
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]


def test_bad_debug_value_stops_the_process(tmp_path):
    done = import_settings(tmp_path, DEBUG="maybe", SECRET_KEY="x")

    assert done.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in done.stderr


def test_default_database_is_sqlite_under_var(tmp_path):
    values = loaded(import_settings(tmp_path, SECRET_KEY="x", SPBE_VAR_DIR=None))

    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["NAME"] == str(REPO / "var" / "spbe.sqlite3")


def test_var_dir_moves_the_sqlite_file(tmp_path):
    values = loaded(import_settings(tmp_path, SECRET_KEY="x"))

    assert values["NAME"] == str(tmp_path / "var" / "spbe.sqlite3")
    assert (tmp_path / "var").is_dir()


def test_database_url_selects_postgresql(tmp_path):
    values = loaded(
        import_settings(
            tmp_path, SECRET_KEY="x", DATABASE_URL="postgres://u:p@db.internal:5432/spbe"
        )
    )

    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["NAME"] == "spbe"
    assert values["HOST"] == "db.internal"


def test_postgresql_prepares_repeated_queries_unless_turned_off(tmp_path):
    url = "postgres://u:p@db.internal:5432/spbe"
    default = loaded(import_settings(tmp_path, SECRET_KEY="x", DATABASE_URL=url))
    eager = loaded(
        import_settings(tmp_path, SECRET_KEY="x", DATABASE_URL=url, DATABASE_PREPARE_THRESHOLD="0")
    )
    off = loaded(
        import_settings(
            tmp_path, SECRET_KEY="x", DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="false"
        )
    )

    assert default["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 1}
    assert eager["OPTIONS"]["prepare_threshold"] == 0
    assert "server_side_binding" not in off["OPTIONS"]
    assert "prepare_threshold" not in off["OPTIONS"]


def test_bad_prepare_threshold_fails_loudly(tmp_path):
    done = import_settings(
        tmp_path,
        SECRET_KEY="x",
        DATABASE_URL="postgres://u:p@db.internal:5432/spbe",
        DATABASE_PREPARE_THRESHOLD="-1",
    )

    assert done.returncode != 0
    assert "DATABASE_PREPARE_THRESHOLD" in done.stderr


@pytest.mark.parametrize("url", ["nonsense://x/y", "postgres://u@h:notaport/db"])
def test_bad_database_url_fails_loudly(tmp_path, url):
    done = import_settings(tmp_path, SECRET_KEY="x", DATABASE_URL=url)

    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "DATABASE_URL is not a valid database URL" in done.stderr


def test_without_redis_celery_runs_tasks_in_process(tmp_path):
    values = loaded(import_settings(tmp_path, SECRET_KEY="x"))

    assert values["ALWAYS_EAGER"] is True
    assert values["APP_EAGER"] is True
    assert values["BROKER"] == "memory://"


def test_redis_url_sends_tasks_to_workers(tmp_path):
    values = loaded(import_settings(tmp_path, SECRET_KEY="x", REDIS_URL="redis://cache:6379/0"))

    assert values["ALWAYS_EAGER"] is False
    assert values["APP_EAGER"] is False
    assert values["BROKER"] == "redis://cache:6379/0"


# --- Secrets from files, as container secrets are mounted ---------------------------------


def test_env_secret_reads_the_file_without_its_newline(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t-value\n", encoding="utf-8")
    monkeypatch.delenv("X", raising=False)
    monkeypatch.setenv("X_FILE", str(secret))
    assert env_secret("X") == "s3cr3t-value"


def test_env_secret_falls_back_to_the_variable_and_the_default(monkeypatch):
    monkeypatch.delenv("X_FILE", raising=False)
    monkeypatch.delenv("X", raising=False)
    assert env_secret("X", "fallback") == "fallback"
    monkeypatch.setenv("X", "plain")
    assert env_secret("X", "fallback") == "plain"


def test_env_secret_refuses_both_and_an_unreadable_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("a", encoding="utf-8")
    monkeypatch.setenv("X", "plain")
    monkeypatch.setenv("X_FILE", str(secret))
    with pytest.raises(ImproperlyConfigured, match="Set either X or X_FILE, not both"):
        env_secret("X")
    monkeypatch.delenv("X")
    monkeypatch.setenv("X_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match=r"X_FILE=.*cannot be read"):
        env_secret("X")


SECRETS_PROBE = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps({
    "SECRET_KEY": settings.SECRET_KEY,
    "DB_PASSWORD": settings.DATABASES["default"]["PASSWORD"],
    "EMAIL_HOST_PASSWORD": settings.EMAIL_HOST_PASSWORD,
    "METRICS_TOKEN": settings.METRICS_TOKEN,
    "FILES_STORAGE_OPTIONS": settings.FILES_STORAGE_OPTIONS,
}))
"""


def test_every_secret_can_come_from_a_file(tmp_path):
    files = {
        "SECRET_KEY": "key-from-a-file",
        "DATABASE_URL": "postgres://spbe:pass-from-a-file@db:5432/spbe",
        "EMAIL_HOST_PASSWORD": "smtp-from-a-file",
        "METRICS_TOKEN": "metrics-from-a-file",
        "FILES_STORAGE_OPTIONS": '{"bucket_name": "b", "secret_key": "s3-from-a-file"}',
    }
    environ = {"EMAIL_HOST": "smtp.example.go.id"}
    for name, value in files.items():
        path = tmp_path / name.lower()
        path.write_text(value + "\n", encoding="utf-8")
        environ[f"{name}_FILE"] = str(path)
    environ["FILES_STORAGE_BACKEND"] = "storages.backends.s3.S3Storage"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "spbe_portal.settings",
        "SPBE_VAR_DIR": str(tmp_path / "var"),
        **environ,
    }
    done = subprocess.run(
        [sys.executable, "-c", SECRETS_PROBE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    values = loaded(done)

    assert values["SECRET_KEY"] == "key-from-a-file"
    assert values["DB_PASSWORD"] == "pass-from-a-file"
    assert values["EMAIL_HOST_PASSWORD"] == "smtp-from-a-file"
    assert values["METRICS_TOKEN"] == "metrics-from-a-file"
    assert values["FILES_STORAGE_OPTIONS"]["secret_key"] == "s3-from-a-file"


def test_a_missing_secret_file_stops_the_process(tmp_path):
    done = import_settings(tmp_path, SECRET_KEY_FILE=str(tmp_path / "nowhere"))

    assert done.returncode != 0
    assert "SECRET_KEY_FILE=" in done.stderr and "cannot be read" in done.stderr


# --- Logs ---------------------------------------------------------------------------------

LOG_PROBE = """
import logging
import django
django.setup()
logging.getLogger("spbe.probe").warning("Laporan %s gagal", "r-1", extra={"job": "r-1"})
"""


def test_json_logs_are_one_object_per_line(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "spbe_portal.settings",
        "SPBE_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "x",
        "LOG_FORMAT": "json",
    }
    done = subprocess.run(
        [sys.executable, "-c", LOG_PROBE], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stderr.strip().splitlines()[-1])
    assert record["message"] == "Laporan r-1 gagal"
    assert record["level"] == "WARNING"
    assert record["logger"] == "spbe.probe"
    assert record["job"] == "r-1"
    assert "time" in record


def test_an_unknown_log_format_stops_the_process(tmp_path):
    done = import_settings(tmp_path, SECRET_KEY="x", LOG_FORMAT="xml")

    assert done.returncode != 0
    assert "LOG_FORMAT='xml' must be text or json" in done.stderr
