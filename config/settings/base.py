"""Settings shared by every environment; each value can be set from the environment."""

from __future__ import annotations

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.env import get_bool, get_int, get_list, get_path, get_str, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = get_path("VAR_DIR", BASE_DIR / "var")

SECRET_KEY = get_str("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = get_bool("DEBUG", False)
ALLOWED_HOSTS = get_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = get_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    # API tokens: stored as a hash, expiring, revocable (the model is config.models.ApiToken).
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "import_export",
    # axes and otp_totp through subclasses that name them in Vietnamese in the admin.
    "config.apps.AxesConfig",
    "django_otp",
    "config.apps.TOTPConfig",
    "config.apps.PortalConfig",
    # The portal's apps, lowest first: each may import only those above it in this list.
    "landdata",
    "collection",
    "verification",
    "reports",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The user's own language, else the language cookie, else Vietnamese; never Accept-Language.
    "config.language.UserLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Content-Security-Policy: own static files only, no inline scripts.
    "config.middleware.ContentSecurityPolicyMiddleware",
    # A password someone else chose (new account, admin's reset) is changed before any other page.
    "config.middleware.PasswordChangeRequiredMiddleware",
    # Optional second factor (TOTP) for the roles in OTP_REQUIRED_ROLES.
    "config.middleware.SecondFactorMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "config.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(get_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first; English on request.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
# The portal's own catalogues first; then Vietnamese for the parts of Django and of the third-party apps
# that ship none or an incomplete one (made by tools/thirdparty_messages.py).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_thirdparty"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT: Path | None = get_path("STATIC_ROOT", BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]

# Scans are never served from MEDIA_URL: only authorised views stream them.
MEDIA_ROOT = get_path("MEDIA_ROOT", VAR_DIR / "media")
MEDIA_URL = "/media-not-public/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads and imports
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
SCAN_MAX_BYTES = get_int("SCAN_MAX_BYTES", 25 * 1024 * 1024)
SCAN_MAX_PIXELS = get_int("SCAN_MAX_PIXELS", 60_000_000)
# Photos from the phone's outbox arrive in chunks (tus): the largest chunk accepted, and how long an
# unfinished upload is kept. The phone sends 256 KB chunks and resizes photos to a long side of 2,400 px.
SCAN_CHUNK_MAX_BYTES = get_int("SCAN_CHUNK_MAX_BYTES", 2 * 1024 * 1024)
UPLOAD_EXPIRE_DAYS = get_int("UPLOAD_EXPIRE_DAYS", 7)
# Variance of the Laplacian below which a scan is marked blurred (needs a retake).
SCAN_BLUR_THRESHOLD = float(get_str("SCAN_BLUR_THRESHOLD", "40"))
# Scan bundles (ZIPs of ID-card images for the registration office) are deleted this many days after
# they were built; the request stays on record.
BUNDLE_RETENTION_DAYS = get_int("BUNDLE_RETENTION_DAYS", 7)
IMPORT_MAX_BYTES = get_int("IMPORT_MAX_BYTES", 200 * 1024 * 1024)
# Scans, thumbnails, intake photos, upload chunks and backups are encrypted at rest (AES-256-GCM,
# collection.scans.encryption): "id1:base64key,id2:base64key", the first key encrypts, every key listed
# decrypts (rotate: put a new key first, run rotate_scan_key, then drop the old one). Required in
# production; unset here (a laptop, bin/demo), a key is made once in SCAN_ENCRYPTION_KEY_FILE.
SCAN_ENCRYPTION_KEYS = get_str("SCAN_ENCRYPTION_KEYS", "")
SCAN_ENCRYPTION_KEY_FILE: Path | None = get_path("SCAN_ENCRYPTION_KEY_FILE", VAR_DIR / "scan-encryption.key")

# Celery: JSON only, time limits, separate queues for per-record and bulk work.
CELERY_BROKER_URL = get_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery-broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Publishing fails fast when Redis is down or frozen (a request must never hang on the broker);
    # callers log the error and the periodic sweeps queue the work later.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 3, "socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = get_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection before and after every task unless this is
# set (celery#4116, and again since 5.6): a new PostgreSQL backend per matching chunk, with cold
# caches, cost more than the chunk's own queries on a re-run. It recycles the connection every this
# many tasks; between them config.celery gives each task Django's per-request treatment
# (close_old_connections: CONN_MAX_AGE and CONN_HEALTH_CHECKS).
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_TIME_LIMIT = get_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = get_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
CELERY_TASK_DEFAULT_QUEUE = "default"
QUEUE_RECORDS = "records"
QUEUE_BULK = "bulk"
CELERY_TASK_ROUTES = {
    "verification.tasks.match_record": {"queue": QUEUE_RECORDS},
    "collection.tasks.process_scan": {"queue": QUEUE_RECORDS},
    "verification.tasks.match_batch": {"queue": QUEUE_BULK},
    "verification.tasks.match_chunk": {"queue": QUEUE_BULK},
    "verification.tasks.sweep_unmatched": {"queue": QUEUE_BULK},
    "landdata.tasks.*": {"queue": QUEUE_BULK},
    "collection.tasks.*": {"queue": QUEUE_BULK},
    "reports.tasks.build_scan_bundle": {"queue": QUEUE_BULK},
    "reports.tasks.expire_scan_bundles": {"queue": QUEUE_BULK},
}
CELERY_BEAT_SCHEDULE = {
    # Records submitted while the broker was down, or changed since they were matched.
    "sweep-unmatched-records": {"task": "verification.tasks.sweep_unmatched", "schedule": 300.0},
    # Scans left pending (a lost message, a killed worker).
    "requeue-stale-scans": {"task": "collection.tasks.requeue_stale_scans", "schedule": 600.0},
    # Photo uploads a phone left unfinished for UPLOAD_EXPIRE_DAYS.
    "expire-unfinished-uploads": {"task": "collection.tasks.expire_uploads", "schedule": 86400.0},
    # Scan bundles older than BUNDLE_RETENTION_DAYS.
    "expire-scan-bundles": {"task": "reports.tasks.expire_scan_bundles", "schedule": 86400.0},
    # API tokens past their expiry (knox deletes them only when their owner uses another token).
    "delete-expired-api-tokens": {"task": "config.tasks.delete_expired_tokens", "schedule": 86400.0},
    # The leaders' daily report by e-mail, each morning (does nothing unless DAILY_REPORT_EMAIL).
    "daily-reports-mail": {
        "task": "reports.tasks.send_daily_reports",
        "schedule": crontab(hour=get_int("DAILY_REPORT_HOUR", 6), minute=30),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API call gets 401 with `WWW-Authenticate: Token`, not a bare 403.
        "config.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": get_str("API_THROTTLE_USER", "5000/hour"),
        "anon": get_str("API_THROTTLE_ANON", "100/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Land-data campaign portal API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema describes every field of the personal data: signed-in users only (api/docs.py).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI served from our own static files: no CDN on an intranet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Distinct enum names for the several "kind" choice sets.
    "ENUM_NAME_OVERRIDES": {
        "LandUserKindEnum": "landdata.models.LandUser.Kind",
        "ScanKindEnum": "collection.models.ScanKind",
    },
}

# API tokens (django-rest-knox): only a SHA-512 digest and a 15-character prefix are stored; each token
# is shown once when its owner creates it (/tai-khoan/khoa-api/), expires after API_TOKEN_DAYS days
# (never renewed by use) and can be revoked. Same `Authorization: Token ...` header as before.
KNOX_TOKEN_MODEL = "portal.ApiToken"
# knox's own migrations would create its default table (knox_authtoken) although the model is swapped out:
# an empty table that only gets in the way (flushing auth_user). The portal's migration makes ApiToken.
MIGRATION_MODULES = {"knox": None}
API_TOKEN_DAYS = get_int("API_TOKEN_DAYS", 30)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_DAYS),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": get_int("API_TOKENS_PER_USER", 10),
    "AUTH_HEADER_PREFIX": "Token",
}
# A password reset link made by an admin ("Đặt lại mật khẩu") works once, for this long.
PASSWORD_RESET_TIMEOUT = get_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)

# The client's address (login lockout, access logs): collection.network.client_ip. X-Forwarded-For is
# believed only from these reverse proxies (addresses or networks, comma-separated); empty: the peer
# itself is the client. A wrong value stops the start-up.
TRUSTED_PROXIES = get_list("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    ipaddress.ip_network(_proxy, strict=False)

# Login throttling
AXES_CLIENT_IP_CALLABLE = "collection.network.client_ip"
AXES_FAILURE_LIMIT = get_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Lockout page: says in Vietnamese why and for how long (templates/registration/locked_out.html).
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# One address (a commune office shares one) may fail this many logins in AXES_COOLOFF_TIME, over all
# usernames; then every login from it waits (config.login_guard). Failing on this many distinct
# usernames warns the admins (log "portal.security" and mail to ADMINS): password spraying.
AXES_HANDLER = "config.login_guard.PortalAxesHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
LOGIN_ADDRESS_FAILURE_LIMIT = get_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
LOGIN_SPRAY_ALERT_USERNAMES = get_int("LOGIN_SPRAY_ALERT_USERNAMES", 10)

# Security alerts by e-mail: ADMINS="an@tinh.gov.vn,binh@tinh.gov.vn" (none: no mail, the log only).
ADMINS = [(address, address) for address in get_list("ADMINS", [])]
SERVER_EMAIL = get_str("SERVER_EMAIL", "root@localhost")
EMAIL_HOST = get_str("EMAIL_HOST", "localhost")
EMAIL_PORT = get_int("EMAIL_PORT", 25)
# The leaders' daily report by e-mail (reports.daily): on by default when EMAIL_HOST is set.
DAILY_REPORT_EMAIL = get_bool("DAILY_REPORT_EMAIL", bool(os.environ.get("EMAIL_HOST")))
DEFAULT_FROM_EMAIL = get_str("DEFAULT_FROM_EMAIL", SERVER_EMAIL)

# Optional second factor (TOTP, django-otp) for the roles listed, e.g. "reviewer,admin"; empty turns it off.
OTP_REQUIRED_ROLES = get_list("OTP_REQUIRED_ROLES", [])
OTP_TOTP_ISSUER = get_str("OTP_TOTP_ISSUER", "Cong du lieu dat dai")

SESSION_COOKIE_AGE = get_int("SESSION_COOKIE_AGE", 12 * 3600)
# "Ghi nhớ thiết bị này": how long a remembered phone stays signed in, browser closed or not.
DEVICE_SESSION_SECONDS = get_int("DEVICE_SESSION_SECONDS", 14 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "config.auth.csrf_failure"  # plain words and a way back, not Django's English page
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": get_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Single-province deployment: communes created by the registry import belong to it.
PROVINCE_CODE = get_str("PROVINCE_CODE", "24")
PROVINCE_NAME = get_str("PROVINCE_NAME", "Bắc Ninh")

# Cache: per-process memory by default; set CACHE_URL=redis://... so every web process shares it.
CACHE_URL = get_str("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Dashboards share their figures for this many seconds (0: always live). Reports and the API are always live.
REPORTS_CACHE_SECONDS = get_int("REPORTS_CACHE_SECONDS", 60)

# django-import-export: the admin's exports use landdata.safe_cells' CSV and XLSX (a leading apostrophe,
# string cells, the exact text kept); the library's own escaping, which only drops a leading "=", is the
# backstop for any export that would not go through them.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
