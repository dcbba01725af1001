"""Tuoyu settings: one module, driven by environment variables.

With nothing set, Tuoyu runs in development mode on a SQLite file under ``var/``.
Production differs only by environment (see docs/operations.md).
"""

import datetime
import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from tuoyu.workdays import office_hours_parsed

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("TUOYU_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Off unless set: a forgotten variable must not publish tracebacks. `make run` sets it on for development.
DEBUG = env_bool("DEBUG", False)
# Served over HTTPS (behind a proxy that terminates TLS): redirect plain HTTP, Secure cookies, HSTS. Only a
# local demo on http://127.0.0.1 turns it off (`make demo`); it has no effect while DEBUG is on.
HTTPS = env_bool("HTTPS", True) and not DEBUG
LOCAL_SECRET_KEY_FILE = VAR_DIR / "secret-key"  # written by `make install` for a local machine


def read_secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if not key and LOCAL_SECRET_KEY_FILE.is_file():
        key = LOCAL_SECRET_KEY_FILE.read_text().strip()
    if not key:
        raise ImproperlyConfigured(
            f"SECRET_KEY is not set. Set it in the environment, or run `make install`, which writes a random "
            f"key for this machine to {LOCAL_SECRET_KEY_FILE}."
        )
    return key


SECRET_KEY = read_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "tuoyu.backoffice.apps.BackOfficeConfig",  # Django's admin, behind the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "template_partials",
    "auditlog",
    "huey.contrib.djhuey",
    "tuoyu.operations",
    "tuoyu.policies",
    "tuoyu.regions",
    "tuoyu.accounts",
    "tuoyu.registry",
    "tuoyu.cases",
    "tuoyu.filings",
    "tuoyu.workforce",
    "tuoyu.notifications",
    "tuoyu.enrolment",
    "tuoyu.bookings",
    "tuoyu.messaging",
    "tuoyu.enterprises",
    "tuoyu.daycare",
    "tuoyu.health",
    "tuoyu.fees",
    "tuoyu.supervision",
    "tuoyu.insights",
    "tuoyu.subsidies",
    "tuoyu.demo",
]

MIDDLEWARE = [
    "tuoyu.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "tuoyu.middleware.PrivateResponsesMiddleware",
    "tuoyu.middleware.DatabaseBusyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tuoyu.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tuoyu.accounts.middleware.AuditActorMiddleware",  # auditlog's, knowing an API token's user too
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "tuoyu.urls"
WSGI_APPLICATION = "tuoyu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tuoyu.navigation.navigation",
            ],
            # Libraries of the project itself (not of an app): ``{% load money %}`` writes amounts of money.
            "libraries": {"money": "tuoyu.money"},
        },
    },
]

# Database: DATABASE_URL selects; the embedded default is a SQLite file under var/.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tuoyu.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a busy writer instead of failing, and take the write lock at BEGIN so that
    # read-then-write transactions cannot deadlock (the same options Healthchecks uses).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;",
    }
    # Tests use a file too (not memory), so that concurrent connections queue as in a real deployment.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-tuoyu.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A query still running after this is cancelled (the web worker's own timeout is 30 s, gunicorn_conf.py):
    # a client that has gone must not keep the database busy.
    # JIT compilation off: Tuoyu's queries are short, and at province scale JIT spent most of a regional
    # query's time compiling it (docs/operations.md, "PostgreSQL").
    statement_timeout_ms = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "25000"))
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={statement_timeout_ms} -c jit=off"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses while the account or the client address is locked out
    "django.contrib.auth.backends.ModelBackend",
]

# Proxies in front of Tuoyu that append to X-Forwarded-For. With 0 (the default) the header is ignored and
# the client address is the connection's, so that nobody can pick their own address for the throttles.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

# Sign-in lockout (django-axes), kept in the shared cache: after 5 failures for one account, or 20 from one
# client address, within 15 minutes, further attempts are refused for 15 minutes. The page login, the back
# office and the token API all authenticate through the same backend, so the same counters apply.
LOCKOUT_FAILURES_PER_ACCOUNT = int(os.environ.get("LOCKOUT_FAILURES_PER_ACCOUNT", "5"))
LOCKOUT_FAILURES_PER_ADDRESS = int(os.environ.get("LOCKOUT_FAILURES_PER_ADDRESS", "20"))
AXES_HANDLER = "tuoyu.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = LOCKOUT_FAILURES_PER_ACCOUNT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOCKOUT_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "tuoyu.accounts.lockout.username_of"
AXES_CLIENT_IP_CALLABLE = "tuoyu.clients.client_address"
AXES_LOCKOUT_CALLABLE = "tuoyu.accounts.lockout.lockout_response"
AXES_ENABLE_ADMIN = False  # lockouts are listed and lifted in Tuoyu's own screen (LoginLockout)
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Two-factor sign-in (django-otp): TOTP apps and recovery codes; required for regulators and administrators.
OTP_TOTP_ISSUER = "Tuoyu 托育"
# A wrong code counts towards the account's sign-in lockout (5 in 15 minutes), which bounds guessing;
# django-otp's own per-device delay would only refuse a right code typed within seconds of a wrong one.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Audit log (django-auditlog): the models registered in each app's AppConfig.ready(). Masked fields keep only
# their last 4 characters: auditlog's own mask keeps the second half of an identity number, its birth date
# included, which with the date of birth beside it in the same entry gives the whole number back.
AUDITLOG_MASK_CALLABLE = "tuoyu.accounts.identity.mask_for_audit_log"

# API tokens (django-rest-knox): stored as digests, expire, listed and revoked by their owner.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "30"))
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Static files are served by Tuoyu itself (WhiteNoise, before any other middleware). With STATIC_HASHED on
# (production, after `collectstatic`) from STATIC_ROOT, compressed, under content-hashed names cached for a
# year; otherwise straight from the apps' folders, as they are.
STATIC_HASHED = env_bool("STATIC_HASHED", False)
WHITENOISE_USE_FINDERS = not STATIC_HASHED
WHITENOISE_AUTOREFRESH = not STATIC_HASHED  # look a file up when asked, rather than list them all at start-up
if not STATIC_HASHED:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploads go through Django's storage API: local files by default; TUOYU_STORAGE=s3 stores them in an
# S3-compatible object store (install the "s3" extra; AWS_* variables as django-storages documents them).
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_HASHED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if os.environ.get("TUOYU_STORAGE") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL"),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
# Uploads larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# The district shown on the home page; the demo district's code by default.
# The enterprise service desk's office hours, in which the 2-hour acceptance clock runs (working days only).
TUOYU_OFFICE_HOURS = office_hours_parsed(os.environ.get("TUOYU_OFFICE_HOURS", "08:30-12:00,13:30-17:30"))
# Where the installation is reached from outside: the links in text messages (an enterprise's progress link).
TUOYU_SITE_URL = os.environ.get("TUOYU_SITE_URL", "http://localhost:8000").rstrip("/")
TUOYU_HOME_REGION_CODE = os.environ.get("TUOYU_HOME_REGION_CODE", "370872")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tuoyu.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "tuoyu.parsers.DepthSafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "tuoyu.refusals.api_exception_handler",
    "NUM_PROXIES": TRUSTED_PROXIES,
    # Requests per client address on the public sign-in, registration and complaint endpoints.
    "DEFAULT_THROTTLE_RATES": {
        "auth": os.environ.get("AUTH_THROTTLE_RATE", "10/minute"),
        "verification": os.environ.get("VERIFICATION_THROTTLE_RATE", "10/hour"),
        # The public complaint form and the status look-up by ticket (pages and API share each count).
        "complaint": os.environ.get("COMPLAINT_THROTTLE_RATE", "5/hour"),
        "complaint_status": os.environ.get("COMPLAINT_STATUS_THROTTLE_RATE", "30/hour"),
        # An enterprise's progress page (a link with a token) and its rating there.
        "request_progress": os.environ.get("REQUEST_PROGRESS_THROTTLE_RATE", "60/hour"),
        "request_rating": os.environ.get("REQUEST_RATING_THROTTLE_RATE", "10/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tuoyu API",
    "DESCRIPTION": "托育服务管理平台 API: the district, its institutions and their figures.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tuoyu.api_schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ServiceTypeEnum": "tuoyu.registry.models.ServiceType",
        "PlaceServiceTypeEnum": "tuoyu.enrolment.models.PLACE_SERVICE_CHOICES",
        "LogKindEnum": "tuoyu.daycare.models.LogKind",
        "ExamKindEnum": "tuoyu.health.models.ExamKind",
        "ImmunisationCheckKindEnum": "tuoyu.health.models.ImmunisationCheckKind",
        "ReferralReasonEnum": "tuoyu.health.models.ReferralReason",
        "AbsenceReasonEnum": "tuoyu.daycare.models.AbsenceReason",
        "MessageSideEnum": "tuoyu.messaging.models.Side",
        "DiagnosisStatusEnum": "tuoyu.health.models.DiagnosisStatus",
        "GrowthDeficitEnum": "tuoyu.health.api.growth.DEFICIT_STATUSES",
        "GrowthBandEnum": "tuoyu.health.api.growth.BANDS",
        "GrowthStandardEnum": "tuoyu.health.api.growth.STANDARD_CODES",
        "NutritionCategoryEnum": "tuoyu.health.api.growth.NUTRITION_CATEGORIES",
        "CertificateTypeEnum": "tuoyu.workforce.models.CertificateType",
        "FilingKindEnum": "tuoyu.filings.models.FilingKind",
        "MaterialKindEnum": "tuoyu.filings.models.MaterialKind",
        "ClaimStateEnum": "tuoyu.subsidies.models.ClaimState",
        "FilingStateEnum": "tuoyu.filings.models.FilingState",
        "DecisionKindEnum": "tuoyu.subsidies.models.DecisionKind",
        "ServiceRequestCategoryEnum": "tuoyu.enterprises.models.Category",
        "CategoryEnum": "tuoyu.supervision.models.ComplaintCategory",
        "ChannelEnum": "tuoyu.enrolment.models.AccessChannel",
        "FollowUpChannelEnum": "tuoyu.enterprises.api.requests.FOLLOW_UP_CHANNELS",
    },
}

# Security: strict defaults whenever DEBUG is off.
CSRF_FAILURE_VIEW = "tuoyu.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy on every response: scripts, styles and everything else only from Tuoyu's own
# static files; no inline script, no eval. Uploads are never served as HTML (tuoyu.uploads), and even so a
# script inside one could not run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The shared cache: throttles, sign-in lockouts. CACHE_URL selects: the database (default, no server to
# run; `migrate` creates its table), redis://host:6379/0 at scale, locmem:// for one process only (tests).
CACHE_URL = os.environ.get("CACHE_URL", "db://tuoyu_cache")


def cache_from_url(url: str) -> dict[str, Any]:
    scheme, _sep, rest = url.partition("://")
    if scheme == "db":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": rest or "tuoyu_cache"}
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest or "tuoyu"}
    raise ImproperlyConfigured(f"CACHE_URL {url!r}: use db://<table>, redis://host:port/db or locmem://")


CACHES = {"default": cache_from_url(CACHE_URL)}

# The task queue (Huey): text messages, findings refreshed after a write, the outbreak watch and the schedule
# (each app's tasks.py). QUEUE_URL selects: a SQLite file under var/ (default, no server to run), redis://
# host:6379/1 at scale (consumers on several machines share it), memory:// runs every task at once in the
# process that enqueues it (tests). `manage.py run_huey` is the consumer; `make demo` starts one.
QUEUE_URL = os.environ.get("QUEUE_URL", f"sqlite:///{VAR_DIR / 'queue.sqlite3'}")
QUEUE_WORKERS = int(os.environ.get("QUEUE_WORKERS", "2"))


def queue_from_url(url: str) -> dict[str, Any]:
    scheme, _sep, rest = url.partition("://")
    consumer = {"workers": QUEUE_WORKERS, "worker_type": "thread"}
    # utc=False: the schedule's crontabs are read in TIME_ZONE (Django sets the process's TZ from it).
    common = {"name": "tuoyu", "utc": False, "consumer": consumer}
    if scheme == "sqlite":
        return {**common, "huey_class": "huey.SqliteHuey", "filename": rest, "immediate": False}
    if scheme in {"redis", "rediss"}:
        return {**common, "huey_class": "huey.RedisHuey", "url": url, "immediate": False}
    if scheme == "memory":
        return {**common, "huey_class": "huey.MemoryHuey", "immediate": True}
    raise ImproperlyConfigured(f"QUEUE_URL {url!r}: use sqlite:///<path>, redis://host:port/db or memory://")


HUEY = queue_from_url(QUEUE_URL)
SCHEDULER_STALE_AFTER = datetime.timedelta(minutes=3)
"""/healthz answers 503 when the consumer's last heartbeat (written every minute) is older than this."""

# Text messages: the default backend writes them to the log; docs/operations.md shows how a gateway plugs in.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "tuoyu.sms.LogBackend")

# Enrolment rules that are set locally (national rules §7.5, §7.6, §16.2); each can be overridden.
ENTRY_EXAM_VALID_DAYS = int(os.environ.get("ENTRY_EXAM_VALID_DAYS", "30"))
AGE_GRACE_DAYS = int(os.environ.get("AGE_GRACE_DAYS", "30"))
OFFER_VALID_HOURS = int(os.environ.get("OFFER_VALID_HOURS", "48"))

# The day in care (national rules §16.6); each can be overridden per deployment.
MORNING_CHECK_DEADLINE = os.environ.get("MORNING_CHECK_DEADLINE", "09:30")
EXPECTED_ABSENT_AFTER = os.environ.get("EXPECTED_ABSENT_AFTER", "09:30")
OUTDOOR_MINUTES_PER_DAY = 120
REPORT_PHOTO_MAX_BYTES = 5 * 1024 * 1024

# Logs go to standard error, one JSON object a line with LOG_FORMAT=json (production: time, level, logger,
# message and the request's id, which the response carries as X-Request-ID), plain text otherwise.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tuoyu.logs.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The queue's consumer logs through the same handler (given one, it adds none of its own).
    "loggers": {"huey": {"handlers": ["console"], "propagate": False}},
}
