"""The portal's Celery app: `celery -A config worker` starts a worker."""

import gc
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("landportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(sender=None, **kwargs) -> None:
    """Around every task a worker runs, what Django does around every request: drop a connection that
    is broken or older than CONN_MAX_AGE (the fixup no longer closes them all: CELERY_DB_REUSE_MAX).
    Not around an eager task, which runs inside its caller's transaction."""
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    close_old_connections()


@worker_process_init.connect
def _freeze_startup_objects(**kwargs) -> None:
    """What the worker made before its first task lives as long as it: out of the cycle collector's
    sight, as in config.wsgi, so that matching's full collections walk only a chunk's own objects."""
    gc.collect()
    gc.freeze()
