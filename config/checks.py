"""System checks that tell an operator, at start-up, what is missing on this machine."""

from __future__ import annotations

import os
import shutil

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def media_root_writable(app_configs, **kwargs):
    if settings.STORAGES["default"]["BACKEND"] != "django.core.files.storage.FileSystemStorage":
        return []
    root = settings.MEDIA_ROOT
    if not root.exists():
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return [Error(f"MEDIA_ROOT {root} cannot be created: {exc}", id="portal.E001")]
    if not os.access(root, os.W_OK | os.X_OK):
        return [Error(f"MEDIA_ROOT {root} is not writable; scans cannot be stored", id="portal.E002")]
    return []


@register()
def embedded_broker_in_production(app_configs, **kwargs):
    if not settings.DEBUG and settings.CELERY_BROKER_URL.startswith("filesystem://"):
        return [
            Warning(
                "Celery uses the file broker of the embedded default; set CELERY_BROKER_URL to Redis "
                "to run several workers on several machines",
                id="portal.W001",
            )
        ]
    return []


@register()
def gettext_available(app_configs, **kwargs):
    compiled = list((settings.BASE_DIR / "locale").glob("*/LC_MESSAGES/django.mo"))
    if not compiled and shutil.which("msgfmt") is None:
        return [
            Warning(
                "No compiled translations and no msgfmt: install gettext and run compilemessages",
                id="portal.W002",
            )
        ]
    return []


@register()
def scan_encryption_keys(app_configs, **kwargs):
    """The portal does not start with keys it could not encrypt or decrypt with (collection.scans.encryption)."""
    from django.core.exceptions import ImproperlyConfigured  # noqa: PLC0415

    from collection.scans import encryption  # noqa: PLC0415 - config sits above collection

    try:
        encryption.keyring()
    except (ImproperlyConfigured, OSError) as exc:
        return [Error(f"scans cannot be encrypted: {exc}", id="portal.E003")]
    return []
