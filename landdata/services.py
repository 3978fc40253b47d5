"""Writes of landdata around file imports: stored uploads and their ImportBatch rows.

The registry extract import itself is `landdata.registry_import`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from landdata.models import ImportBatch
from landdata.tabular import sha256_of

Progress = Callable[[int, int], None]

UPLOAD_EXTENSIONS = {"csv", "xlsx"}


def import_file_path(stored_name: str) -> Path:
    """Where an uploaded import file lives: MEDIA_ROOT/imports/<uuid>.<ext> (no user-chosen path)."""
    safe = Path(stored_name).name
    return Path(settings.MEDIA_ROOT) / "imports" / safe


def import_file_store(*, uploaded, kind: str, user=None) -> tuple[ImportBatch, str]:
    """Save an uploaded file under a generated name and create its PENDING batch."""
    ext = Path(uploaded.name or "").suffix.lower().lstrip(".")
    ext = ext if ext in UPLOAD_EXTENSIONS else "dat"
    stored_name = f"{uuid.uuid4().hex}.{ext}"
    target = import_file_path(stored_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    batch = import_batch_create(kind=kind, file_name=uploaded.name or stored_name, user=user, sha256=sha256_of(target))
    return batch, stored_name


def import_batch_create(*, kind: str, file_name: str, user=None, sha256: str = "") -> ImportBatch:
    """A PENDING batch, created before a background import so its page can show progress."""
    return ImportBatch.objects.create(
        kind=kind, file_name=file_name[:255], sha256=sha256, imported_by=user if user and user.pk else None
    )


def import_batch_fail(*, batch_id: int, problems: list[str]) -> None:
    """Record a refused import on its batch (outside the rolled-back transaction)."""
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.FAILED, errors="\n".join(problems), finished_at=timezone.now()
    )


def import_batch_progress(*, batch_id: int) -> Progress:
    """A progress callback that stores rows_done/rows_total on the batch (a bounded number of updates)."""

    def report(done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(rows_done=done, rows_total=max(total, done))

    return report


def throttled(progress: Progress | None, total: int) -> Progress | None:
    """Call `progress` at most about 100 times whatever the file size."""
    if progress is None:
        return None
    step = max(total // 100, 1000)
    state = {"next": step}

    def report(done: int, total_now: int) -> None:
        if done >= state["next"] or done == total_now:
            state["next"] = done + step
            progress(done, total_now)

    return report
