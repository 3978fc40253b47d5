"""Settings for the test suite: fast hashing, eager Celery unless a test starts a worker."""

import base64
import hashlib

from config.env import get_bool

from .base import *  # noqa: F401,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = get_bool("CELERY_TASK_ALWAYS_EAGER", True)
AXES_ENABLED = get_bool("AXES_ENABLED", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A fixed key for the suite (never a file under var/): 32 bytes derived from a constant.
SCAN_ENCRYPTION_KEYS = "test:" + base64.b64encode(hashlib.sha256(b"landportal test scans").digest()).decode()
SCAN_ENCRYPTION_KEY_FILE = None
# Static files come from the finders; no collectstatic directory in tests.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The throttle's counters live in the shared test cache: tests must not trip over each other's calls.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "1000000/hour", "anon": "1000000/hour"}}  # noqa: F405
