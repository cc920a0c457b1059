"""The one settings module. Every deployment-specific value comes from the
environment through the helpers in spbe_portal.env, which fail loudly.

With nothing configured the portal runs on an embedded default: a SQLite file
under var/ and Celery tasks executed in-process. DATABASE_URL switches to
PostgreSQL (psycopg 3) and REDIS_URL to a Redis broker served by real workers.
Every secret can also be read from a file, NAME_FILE, as container secrets are
mounted (spbe_portal.env.env_secret).
"""

import json
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from spbe_portal.env import env_bool, env_int, env_list, env_path, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("SPBE_VAR_DIR", BASE_DIR / "var")

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_secret("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    # A fixed, publicly known key: only ever acceptable on a developer's machine.
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "auditlog",
    "indicators",
    "assessments",
    "reports",
]

MIDDLEWARE = [
    # First, so that its latency covers everything below it.
    "spbe_portal.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "spbe_portal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "spbe_portal.middleware.IndonesianFirstLocaleMiddleware",
    # Before anything that reads the body (CSRF, forms), after the language.
    "spbe_portal.middleware.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "spbe_portal.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "spbe_portal.urls"
WSGI_APPLICATION = "spbe_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_secret("DATABASE_URL", "")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # Form choice fields iterate their querysets with .iterator(), which on
        # PostgreSQL declares a WITH HOLD cursor (DECLARE, FETCH, CLOSE, and a
        # result materialised at commit) for a few dozen rows: the review
        # queue's filters paid 5 of them per page. Plain SELECTs instead; the
        # portal streams no result large enough to need a server-side cursor
        # (and a transaction-pooling PgBouncer requires this setting anyway).
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        # Prepared statements: a page's queries are the same few shapes on
        # every request, and PostgreSQL spent about half of its CPU per page
        # parsing and planning them again (docs/PERFORMANCE.md). With
        # server-side binding psycopg prepares a statement on its second
        # execution in a connection. A pooler in transaction mode older than
        # PgBouncer 1.21 cannot keep them: DATABASE_PREPARED_STATEMENTS=false.
        if env_bool("DATABASE_PREPARED_STATEMENTS", True):
            DATABASES["default"].setdefault("OPTIONS", {}).update(
                server_side_binding=True,
                prepare_threshold=env_int("DATABASE_PREPARE_THRESHOLD", 1, minimum=0),
            )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "spbe.sqlite3",
            # A deferred transaction that reads and then writes cannot wait
            # for the write lock (SQLite answers "database is locked" at
            # once); IMMEDIATE takes it at BEGIN and waits up to the timeout,
            # so concurrent saves queue up and meet the version check as on
            # PostgreSQL (tests/test_sqlite_concurrency.py).
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "assessments.User"
AUTHENTICATION_BACKENDS = ["assessments.people.login.UsernameOrEmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes, see assessments/people/login.py): failures counted in
# the database, which all workers and nodes share and which stays up when
# Redis does not; per account and client address together, so nobody can lock
# a user out from elsewhere.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "assessments.people.login.failure_username"
AXES_CLIENT_IP_CALLABLE = "assessments.people.login.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins: no table growing without end
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# How many proxies of ours append to X-Forwarded-For (nginx, a load balancer):
# the client's address is the entry the outermost one added.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Administrative changes are audited (django-auditlog): who changed which
# account, role, organisation or period, when, and each field from what to
# what. Answers keep their own event thread (AnswerEvent) instead.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "assessments.user", "exclude_fields": ["password", "last_login"]},
    "assessments.membership",
    "assessments.instansi",
    "assessments.opd",
    {
        "model": "assessments.evaluationperiod",
        "include_fields": [
            "state",
            "fill_opens_at",
            "fill_closes_at",
            "review_closes_at",
            "target_index",
        ],
    },
)

# --- Internationalisation: Bahasa Indonesia first ---------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Makassar")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# "29 November 2026 14.05 WITA" for `{{ value }}`, `|date`, forms and the admin
# alike (spbe_portal/formats/); years are printed with `|unlocalize`.
FORMAT_MODULE_PATH = ["spbe_portal.formats"]

# --- Static and uploaded files ---------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Evidence and reports are private: they live outside any served path and are
# only streamed by views that check access, so there is no MEDIA_URL.
PRIVATE_FILES_ROOT = VAR_DIR / "files"
# Files go through Django's storage API only, so another backend is a matter
# of configuration: e.g. FILES_STORAGE_BACKEND=storages.backends.s3.S3Storage
# with FILES_STORAGE_OPTIONS='{"bucket_name": "spbe", "endpoint_url": "..."}'
# (django-storages installed) for an S3-compatible store shared by all nodes.
FILES_STORAGE_BACKEND = env_str(
    "FILES_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
)
try:
    # The options may hold the store's access keys, hence a secret.
    FILES_STORAGE_OPTIONS = json.loads(env_secret("FILES_STORAGE_OPTIONS", "") or "null")
except ValueError as exc:
    raise ImproperlyConfigured(f"FILES_STORAGE_OPTIONS is not valid JSON: {exc}") from None
if FILES_STORAGE_OPTIONS is None:
    FILES_STORAGE_OPTIONS = (
        {"location": PRIVATE_FILES_ROOT, "base_url": None}
        if FILES_STORAGE_BACKEND.endswith("FileSystemStorage")
        else {}
    )
if not isinstance(FILES_STORAGE_OPTIONS, dict):
    raise ImproperlyConfigured("FILES_STORAGE_OPTIONS must be a JSON object.")
STORAGES = {
    "default": {"BACKEND": FILES_STORAGE_BACKEND, "OPTIONS": FILES_STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_MB", 20, minimum=1) * 1024 * 1024
# Request bodies (spbe_portal.middleware.RequestBodyLimitMiddleware): small
# everywhere; the upload routes take a few evidence files at once. The proxy
# in front must allow UPLOAD_MAX_BYTES (docs/OPERATIONS.md).
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_KB", 1024, minimum=64) * 1024
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 5 * EVIDENCE_MAX_BYTES // (1024 * 1024), minimum=1)
UPLOAD_MAX_BYTES = max(UPLOAD_MAX_BYTES * 1024 * 1024, EVIDENCE_MAX_BYTES + REQUEST_MAX_BYTES)
# The routes that take files, each with its own limit on the whole body.
UPLOAD_ROUTES_MAX_BYTES = {
    "assessments:evidence_upload": UPLOAD_MAX_BYTES,
    "items:evidence_upload": UPLOAD_MAX_BYTES,
    "api:evidence-list": UPLOAD_MAX_BYTES,
    # One spreadsheet of at most 5 MB (assessments.level_import.MAX_FILE_BYTES).
    "manage:import_levels": 5 * 1024 * 1024 + REQUEST_MAX_BYTES,
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Cache (login throttling, coalescing of recomputations) ----------------------
REDIS_URL = env_secret("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that stops answering must not hang web requests: every
            # cache use degrades (see assessments.people.login, reports.tasks).
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    # Embedded default: tasks run in the web process, right after the commit.
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# Jobs record their outcome in the database (ReportJob, IndexSnapshot), and
# nothing waits on a task result. Storing none also spares every enqueue a
# result-channel subscription, which after a Redis outage would fail until
# the web process restarts.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 5
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message whose worker vanished (SIGKILL, lost machine) goes back to the
# queue once it has been unacknowledged this long (Redis' default is an hour).
# Keep it above the longest task's time limit (report rendering, 300 s) and
# countdown, or a slow task would be handed to a second worker while it runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600, minimum=1)
}
CELERY_BEAT_SCHEDULE = {
    # Deadline reminders for OPDs with unsubmitted answers (3 days and 1 day).
    "assessments-deadline-reminders": {
        "task": "assessments.tasks.deadline_reminders_send",
        "schedule": crontab(hour=7, minute=0),
    },
    # Report jobs requested while the broker was down are queued once it is back.
    "reports-requeue-jobs": {
        "task": "reports.report_jobs_requeue",
        "schedule": crontab(minute="*"),
    },
    # Notification e-mails whose enqueueing failed (broker down) are sent later.
    "assessments-notification-emails-sweep": {
        "task": "assessments.tasks.notification_emails_sweep",
        "schedule": crontab(minute="*/15"),
    },
}

# --- E-mail -------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SPBE Portal <noreply@localhost>")
# The portal's public address, e.g. https://spbe.kaltimprov.go.id: e-mails sent
# by workers (no request at hand) need it to carry full links.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "")

# --- API ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The token class comes first so that a refused request says 401 with
    # WWW-Authenticate: Bearer; browsers still use their session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "assessments.api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_FILTER_BACKENDS": ["spbe_portal.api.FilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "spbe_portal.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "spbe_portal.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "spbe_portal.api.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SPBE Portal API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Deep links put a link inside each operation's toggle button, a nested
    # control screen readers cannot reach (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "spbe_portal.api.add_common_errors",
    ],
    # Two models have a field called "kind"; name their enums apart.
    "ENUM_NAME_OVERRIDES": {
        "InstansiKindEnum": "assessments.models.Instansi.Kind",
        "ReportKindEnum": "reports.models.ReportKind",
    },
}

# --- Security -------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
# SAMEORIGIN rather than DENY on purpose: the reviewer's page previews evidence
# PDFs in a same-origin frame (CSP frame-ancestors 'self' says the same).
SILENCED_SYSTEM_CHECKS = [
    "security.W019",
    # axes is called by assessments.people.login.UsernameOrEmailBackend itself, not
    # through its backend and middleware (which refuse a request-less authenticate).
    "axes.W002",
    "axes.W003",
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
# Both only take effect once SECURE_HSTS_SECONDS is set; preloading is a
# commitment for the whole domain, so it is opted into explicitly.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)

# --- Metrics (Prometheus) ----------------------------------------------------
# /metrics answers only a request carrying this token as a Bearer token; without
# one configured it is a 404. Under gunicorn with several workers, set
# PROMETHEUS_MULTIPROC_DIR to an empty directory so the workers' counts add up.
METRICS_TOKEN = env_secret("METRICS_TOKEN", "")

# --- Logging --------------------------------------------------------------------
LOG_FORMAT = env_str("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} must be text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # One JSON object per line, for log shippers; the message's extra
        # fields become keys.
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
