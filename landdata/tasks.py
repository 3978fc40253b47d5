"""Celery tasks of the land registry data: thin callers of services (queue "bulk")."""

from __future__ import annotations

import logging

from celery import shared_task

from landdata.models import ImportBatch
from landdata.registry_import import registry_import
from landdata.services import import_file_path
from landdata.tabular import ImportFailed

logger = logging.getLogger(__name__)


@shared_task(name="landdata.tasks.import_registry", acks_late=True)
def import_registry(batch_id: int, stored_name: str, replace: bool = False) -> str:
    """Run the registry import of an uploaded file; progress and outcome go to the ImportBatch."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        logger.warning("import batch %s no longer exists", batch_id)
        return "missing"
    if batch.status in (ImportBatch.Status.DONE, ImportBatch.Status.FAILED):
        return batch.status  # delivered twice: already handled
    path = import_file_path(stored_name)
    try:
        registry_import(
            path=path,
            file_name=batch.file_name,
            replace=replace,
            user=batch.imported_by,
            batch_id=batch_id,
            progress=None,
        )
    except ImportFailed:
        return ImportBatch.Status.FAILED
    path.unlink(missing_ok=True)
    return ImportBatch.Status.DONE
