"""Celery tasks of the campaign: thin callers of services, queued with transaction.on_commit."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings

from collection.assignments import assignments_import_stored
from collection.intake.services import intake_process
from collection.scans.services import ScanStorageError, scan_process, scans_requeue_stale
from collection.scans.uploads import uploads_expire

logger = logging.getLogger(__name__)


@shared_task(
    name="collection.tasks.process_scan",
    autoretry_for=(ScanStorageError,),
    retry_backoff=5,
    retry_jitter=True,
    max_retries=4,
    soft_time_limit=120,
    time_limit=180,
)
def process_scan(scan_id: str) -> str:
    """Clean, measure and read one uploaded scan (routed to the "records" queue)."""
    return scan_process(scan_id=scan_id)


@shared_task(name="collection.tasks.process_intake_item", acks_late=True, soft_time_limit=120, time_limit=180)
def process_intake_item(item_id: str) -> str:
    """Clean, read and propose a plot for one photo of a commune's intake (queue "bulk")."""
    return intake_process(item_id=item_id)


# --- assignment list import (importers) ---------------------------------------


@shared_task(name="collection.tasks.import_assignments", acks_late=True)
def import_assignments(batch_id: int, stored_name: str, replace: bool = False) -> str:
    """Run the assignment list import of an uploaded file (queue "bulk"); outcome on the ImportBatch."""
    return assignments_import_stored(batch_id=batch_id, stored_name=stored_name)


@shared_task(name="collection.tasks.requeue_stale_scans")
def requeue_stale_scans() -> int:
    """Periodic safety net for scans left pending (add to CELERY_BEAT_SCHEDULE; bulk queue)."""
    return scans_requeue_stale()


@shared_task(name="collection.tasks.expire_uploads")
def expire_uploads() -> int:
    """Daily (beat): photo uploads a phone left unfinished for UPLOAD_EXPIRE_DAYS."""
    return uploads_expire(older_than=dt.timedelta(days=settings.UPLOAD_EXPIRE_DAYS))
