"""Production: PostgreSQL, Redis broker, object storage, secure cookies. No secret defaults."""

import os
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from config.env import get_bool, get_int, get_str

from .base import *  # noqa: F401,F403
from .base import STORAGES

for _required in ("SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "ALLOWED_HOSTS", "SCAN_ENCRYPTION_KEYS"):
    if not os.environ.get(_required):
        raise ImproperlyConfigured(f"{_required} must be set in production")

DEBUG = False
# Scans are encrypted under SCAN_ENCRYPTION_KEYS only: never a key made on this machine.
SCAN_ENCRYPTION_KEY_FILE = None
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = get_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = get_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    _s3: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": get_str("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": get_str("AWS_S3_ENDPOINT_URL", "") or None,
            "default_acl": "private",
            # The bucket encrypts too (on top of the portal's own AES-GCM): "AES256" (SSE-S3) or "aws:kms"
            # with AWS_S3_SSE_KMS_KEY_ID.
            "object_parameters": {
                "ServerSideEncryption": get_str("AWS_S3_SERVER_SIDE_ENCRYPTION", "AES256"),
                **(
                    {"SSEKMSKeyId": get_str("AWS_S3_SSE_KMS_KEY_ID", "")}
                    if get_str("AWS_S3_SSE_KMS_KEY_ID", "")
                    else {}
                ),
            },
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    STORAGES["default"] = _s3
