"""Reads of the land registry data used by admin pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from landdata.models import ImportBatch
from landdata.tabular import RowError


def import_batch_get(*, batch_id: int) -> ImportBatch:
    return ImportBatch.objects.select_related("imported_by").get(pk=batch_id)


@dataclass(frozen=True)
class ImportProblems:
    """Why an import was refused, for a page: the count and the listing always agree.

    `total` counts every problem; `row_errors` are the rows' problems kept (a page words them, with the
    file's own headers: RowError.text), `unlisted` those beyond them; `other` the lines of a refusal
    that is not about rows (a wrong file, a missing column, a system error).
    """

    total: int = 0
    row_errors: list[RowError] = field(default_factory=list)
    other: list[str] = field(default_factory=list)

    @property
    def unlisted(self) -> int:
        return max(self.total - len(self.row_errors) - len(self.other), 0)


def import_batch_problems(*, batch: ImportBatch) -> ImportProblems:
    """The problems of a refused import (nothing for any other batch)."""
    if batch.status != ImportBatch.Status.FAILED:
        return ImportProblems()
    if batch.error_rows:
        rows = [RowError.from_dict(item) for item in batch.error_rows]
        return ImportProblems(total=max(batch.error_count, len(rows)), row_errors=rows)
    lines = [line for line in batch.errors.splitlines() if line.strip()]
    return ImportProblems(total=max(batch.error_count, len(lines)), other=lines)


def import_batches_recent(*, limit: int = 20) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.select_related("imported_by").order_by("-started_at")[:limit]
