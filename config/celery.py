"""The portal's Celery app: `celery -A config worker` starts a worker."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("landportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
