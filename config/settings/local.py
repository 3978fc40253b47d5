"""Embedded default: SQLite under var/, filesystem Celery broker, debug on."""

from config.env import get_bool

from .base import *  # noqa: F401,F403
from .base import VAR_DIR

DEBUG = get_bool("DEBUG", True)

VAR_DIR.mkdir(parents=True, exist_ok=True)
for _sub in ("media", "celery-broker", "celery-processed", "celery-control"):
    (VAR_DIR / _sub).mkdir(parents=True, exist_ok=True)

# Static files come from the finders; no collectstatic needed on a laptop.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# SQLite cannot enforce "one active scan bundle per range" in the database; the service's lock does.
SILENCED_SYSTEM_CHECKS = ["models.W047"]
