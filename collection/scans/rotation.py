"""Re-encrypt every stored photo under the current key (`rotate_scan_key`), so that an old key can go.

Resumable and safe to interrupt: each file is written anew under the current key first, then the row is
switched to it with a conditional UPDATE (only if nobody changed the row meanwhile), then the old file
is deleted. Stopped at any point, nothing is lost: at worst an orphan file is left (a new one never
referenced, or an old one already replaced), and running the command again carries on with the rows
still under another key. Files stored before encryption (key "") are encrypted the same way.
"""

from __future__ import annotations

import logging
import posixpath
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import models

from collection.models import ChunkedUpload, IntakeItem, Scan
from collection.scans import encryption

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass
class RotationResult:
    rows: int = 0
    files: int = 0
    skipped: int = 0  # changed while being rotated: left for the next run

    def add(self, other: RotationResult) -> None:
        self.rows += other.rows
        self.files += other.files
        self.skipped += other.skipped


def _new_name(old: str) -> str:
    folder, base = posixpath.split(old)
    extension = posixpath.splitext(base)[1]
    return posixpath.join(folder, f"{uuid.uuid4().hex}{extension}")


def _reseal(name: str, key_id: str) -> str:
    data = encryption.read_decrypted(name, key_id=key_id or None)
    new_name, _key = encryption.save_encrypted(_new_name(name), data)
    return new_name


def _delete(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not delete %s after re-encrypting it", name)


def _rotate_file_rows(
    model: type[models.Model], fields: tuple[str, ...], *, current: str, chunk_size: int, progress: Progress
) -> RotationResult:
    result = RotationResult()
    label = model._meta.verbose_name_plural
    pending = model.objects.exclude(key_id=current)  # type: ignore[attr-defined]
    total = pending.count()
    last_pk = None
    while True:
        page = pending.order_by("pk")
        if last_pk is not None:
            page = page.filter(pk__gt=last_pk)
        rows = list(page.values("pk", "key_id", *fields)[:chunk_size])
        if not rows:
            return result
        for row in rows:
            last_pk = row["pk"]
            old = {field: row[field] for field in fields if row[field]}
            new = {field: _reseal(name, row["key_id"]) for field, name in old.items()}
            updated = model.objects.filter(pk=row["pk"], key_id=row["key_id"], **{f: row[f] for f in fields}).update(  # type: ignore[attr-defined]
                key_id=current, **new
            )
            if updated:
                _delete(list(old.values()))
                result.rows += 1
                result.files += len(new)
            else:  # processed or deleted meanwhile: its new files are not needed
                _delete(list(new.values()))
                result.skipped += 1
        progress(str(label), result.rows + result.skipped, total)


def _rotate_chunks(*, current: str, chunk_size: int, progress: Progress) -> RotationResult:
    """Unfinished uploads from phones: each chunk re-encrypted, the list switched in one UPDATE."""
    result = RotationResult()
    pending = ChunkedUpload.objects.exclude(key_id=current).exclude(chunks=[])
    total = pending.count()
    for upload in pending.order_by("pk").iterator(chunk_size=chunk_size):
        new = [_reseal(name, "") for name in upload.chunks]  # each chunk names its key in its header
        updated = ChunkedUpload.objects.filter(pk=upload.pk, offset=upload.offset, key_id=upload.key_id).update(
            chunks=new, key_id=current
        )
        if updated:
            _delete(list(upload.chunks))
            result.rows += 1
            result.files += len(new)
        else:  # a chunk arrived meanwhile: the next run takes it
            _delete(new)
            result.skipped += 1
        if (result.rows + result.skipped) % chunk_size == 0:
            progress("uploads", result.rows + result.skipped, total)
    progress("uploads", result.rows + result.skipped, total)
    return result


def scans_rotate_key(*, chunk_size: int = 200, progress: Progress | None = None) -> RotationResult:
    """Every scan, thumbnail, intake photo and upload chunk not under the current key, re-encrypted."""
    current = encryption.current_key_id()
    report: Progress = progress or (lambda what, done, total: None)
    result = RotationResult()
    result.add(_rotate_file_rows(Scan, ("file", "thumbnail"), current=current, chunk_size=chunk_size, progress=report))
    result.add(
        _rotate_file_rows(IntakeItem, ("file", "thumbnail"), current=current, chunk_size=chunk_size, progress=report)
    )
    result.add(_rotate_chunks(current=current, chunk_size=chunk_size, progress=report))
    return result


def keys_in_use() -> dict[str, int]:
    """How many rows each key (or "" for files stored before encryption) still holds: an old key may be
    dropped from SCAN_ENCRYPTION_KEYS once it is no longer listed here."""
    counts: dict[str, int] = {}
    for model in (Scan, IntakeItem, ChunkedUpload):
        for key_id, n in model.objects.values_list("key_id").annotate(n=models.Count("pk")).order_by():
            counts[key_id] = counts.get(key_id, 0) + n
    return counts
