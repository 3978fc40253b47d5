"""Reads of the land registry data used by admin pages."""

from __future__ import annotations

from django.db.models import QuerySet

from landdata.models import ImportBatch


def import_batch_get(*, batch_id: int) -> ImportBatch:
    return ImportBatch.objects.select_related("imported_by").get(pk=batch_id)


def import_batch_problems(*, batch: ImportBatch) -> list[str]:
    """The error lines of a refused import (one per problem)."""
    if batch.status != ImportBatch.Status.FAILED:
        return []
    return [line for line in batch.errors.splitlines() if line.strip()]


def import_batches_recent(*, limit: int = 20) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.select_related("imported_by").order_by("-started_at")[:limit]
