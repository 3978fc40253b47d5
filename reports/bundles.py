"""Scan bundles: one ZIP of a commune's scans (optionally a collection-date range) + manifest.csv.

`bundle_request` creates the bundle row and queues the build after commit; a second
request for the same commune and range while one is pending/running gets that one
(a row lock on the commune serialises requests; a partial unique constraint backs it).
`bundle_build` streams file by file into a ZIP on local disk (`ZipFile.open(name, "w")`,
1 MiB chunks), then hands the archive to the default storage in chunks: the archive
is never held in memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import re
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterator

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from collection.models import CollectedRecord, DocumentAccess, Scan
from collection.scans import encryption
from config.queueing import queue_safely
from landdata.models import Commune
from landdata.safe_cells import SafeCsvWriter
from reports.models import ScanBundle

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024
PROGRESS_EVERY = 50
ACTIVE = (ScanBundle.Status.PENDING, ScanBundle.Status.RUNNING)
MANIFEST_COLUMNS = [
    "old_commune_code",
    "map_sheet",
    "plot_number",
    "kind",
    "file_name",
    "sha256",
    "uploaded_by",
    "uploaded_at",
]


def bundle_request(
    *, commune: Commune, user, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> tuple[ScanBundle, bool]:
    """The active bundle for this commune and range, or a new one queued for building."""
    from reports.tasks import build_scan_bundle  # noqa: PLC0415 - reports.tasks imports this module

    try:
        with transaction.atomic():
            Commune.objects.select_for_update().filter(pk=commune.pk).exists()
            active = ScanBundle.objects.filter(
                commune=commune, date_from=date_from, date_to=date_to, status__in=ACTIVE
            ).first()
            if active is not None:
                return active, False
            bundle = ScanBundle.objects.create(commune=commune, date_from=date_from, date_to=date_to, requested_by=user)
            transaction.on_commit(
                lambda: queue_safely(
                    lambda: build_scan_bundle.delay(bundle.pk),
                    what=f"scan bundle {bundle.pk}",
                    on_failure=lambda: _bundle_not_queued(bundle.pk),
                )
            )
            return bundle, True
    except IntegrityError:  # a concurrent request won the race without the lock (another database)
        active = ScanBundle.objects.filter(
            commune=commune, date_from=date_from, date_to=date_to, status__in=ACTIVE
        ).first()
        if active is None:
            raise
        return active, False


def _bundle_not_queued(bundle_id: int) -> None:
    """The broker is down: say so on the bundle (so it is not 'pending' for ever) and let the user retry."""
    ScanBundle.objects.filter(pk=bundle_id, status=ScanBundle.Status.PENDING).update(
        status=ScanBundle.Status.FAILED,
        finished_at=timezone.now(),
        error=str(_("Không gửi được yêu cầu tới bộ xử lý nền; hãy yêu cầu lại sau ít phút.")),
    )


def bundle_scans(bundle: ScanBundle) -> QuerySet[Scan]:
    """Processed scans of submitted/returned records of the commune (in range), in plot-key order."""
    qs = Scan.objects.filter(record__former_commune__commune_id=bundle.commune_id, status=Scan.Status.READY).exclude(
        record__status=CollectedRecord.Status.DRAFT
    )
    if bundle.date_from:
        qs = qs.filter(record__collected_on__gte=bundle.date_from)
    if bundle.date_to:
        qs = qs.filter(record__collected_on__lte=bundle.date_to)
    return qs.select_related("record", "uploaded_by").order_by(
        "record__former_commune_id", "record__sheet_key", "record__number_key", "kind", "uploaded_at", "pk"
    )


_UNSAFE = re.compile(r"[^0-9A-Za-z]+")


def _part(value: str) -> str:
    return _UNSAFE.sub("-", value).strip("-") or "x"


def member_name(*, old_commune: str, sheet: str, plot: str, kind: str, n: int) -> str:
    """`{old_commune}_{sheet}_{plot}_{kind}_{n}.jpg` with anything but letters and digits replaced."""
    return f"{_part(old_commune)}_{_part(sheet)}_{_part(plot)}_{kind}_{n}.jpg"


def bundle_build(*, bundle_id: int) -> ScanBundle | None:
    """Build the archive of a pending bundle; a redelivered task for a finished bundle does nothing."""
    bundle = ScanBundle.objects.filter(pk=bundle_id).first()
    if bundle is None or bundle.status in (ScanBundle.Status.DONE, ScanBundle.Status.FAILED):
        return bundle
    scans = bundle_scans(bundle)
    total = scans.count()
    ScanBundle.objects.filter(pk=bundle.pk).update(status=ScanBundle.Status.RUNNING, total=total, done=0)
    fd, tmp_path = tempfile.mkstemp(suffix=".zip")
    os.close(fd)
    try:
        record_ids, missing = _write_zip(tmp_path, scans, bundle_pk=bundle.pk)
        name = f"goi-anh_{bundle.commune_id}_{bundle.date_from or 'all'}_{bundle.date_to or 'all'}_{bundle.pk}.zip"
        # A bundle is a ZIP of ID cards: stored encrypted like the scans, decrypted as it is downloaded.
        with open(tmp_path, "rb") as fh, tempfile.TemporaryFile() as stored:
            with encryption.EncryptingWriter(stored) as sealed:
                while chunk := fh.read(CHUNK_BYTES):
                    sealed.write(chunk)
            stored.seek(0)
            bundle.file.save(name, File(stored), save=False)
        bundle.size_bytes = os.path.getsize(tmp_path)
        bundle.status = ScanBundle.Status.DONE
        bundle.total = total
        bundle.done = total
        bundle.record_ids = sorted(record_ids)
        bundle.error = f"{missing} missing file(s)" if missing else ""
        bundle.finished_at = timezone.now()
        bundle.save()
    except Exception as exc:
        logger.exception("scan bundle %s failed", bundle.pk)
        ScanBundle.objects.filter(pk=bundle.pk).update(
            status=ScanBundle.Status.FAILED, error=str(exc)[:1000], finished_at=timezone.now()
        )
        raise
    finally:
        os.unlink(tmp_path)
    return bundle


def bundle_stream(bundle: ScanBundle) -> Iterator[bytes]:
    """The bundle's ZIP as it was built (decrypted); a bundle stored before encryption as it is."""
    with bundle.file.open("rb") as handle:
        start = handle.read(len(encryption.STREAM_MAGIC))
        handle.seek(0)
        if start == encryption.STREAM_MAGIC:
            yield from encryption.decrypt_stream(handle, what=bundle.file.name or "bundle")
            return
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


def _write_zip(path: str, scans: QuerySet[Scan], *, bundle_pk: int) -> tuple[set[int], int]:
    manifest = io.StringIO()
    writer = SafeCsvWriter(manifest, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    seen: dict[tuple, int] = defaultdict(int)
    record_ids: set[int] = set()
    done = missing = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for scan in scans.iterator(chunk_size=500):
            record = scan.record
            key = (record.former_commune_id, record.sheet_key, record.number_key, scan.kind)
            seen[key] += 1
            name = member_name(
                old_commune=record.former_commune_id,
                sheet=record.map_sheet,
                plot=record.plot_number,
                kind=scan.kind,
                n=seen[key],
            )
            digest = hashlib.sha256()
            try:
                # Decrypted here, for the registration office, and only here (the bundle is theirs).
                with (
                    encryption.open_decrypted(scan.file.name or "", key_id=scan.key_id) as src,
                    archive.open(name, "w", force_zip64=True) as dst,
                ):
                    while chunk := src.read(CHUNK_BYTES):
                        digest.update(chunk)
                        dst.write(chunk)
            except FileNotFoundError:
                missing += 1
                logger.warning("scan %s has no stored file; left out of bundle %s", scan.pk, bundle_pk)
                continue
            record_ids.add(record.pk)
            writer.writerow(
                [
                    record.former_commune_id,
                    record.map_sheet,
                    record.plot_number,
                    scan.kind,
                    name,
                    digest.hexdigest(),
                    scan.uploaded_by.get_username() if scan.uploaded_by else "",
                    timezone.localtime(scan.uploaded_at).isoformat(timespec="seconds"),
                ]
            )
            done += 1
            if done % PROGRESS_EVERY == 0:
                ScanBundle.objects.filter(pk=bundle_pk).update(done=done)
        # ~150 bytes per scan: a province-size manifest is a few MB, fine to hold as text.
        archive.writestr("manifest.csv", "\ufeff" + manifest.getvalue(), compress_type=zipfile.ZIP_DEFLATED)
    return record_ids, missing


def bundle_download_log(*, bundle: ScanBundle, user, ip_address: str | None) -> None:
    """One access-log row per record whose documents the archive carries (action "bundle")."""
    DocumentAccess.objects.bulk_create(
        [
            DocumentAccess(user=user, record_id=record_id, action="bundle", ip_address=ip_address)
            for record_id in bundle.record_ids
        ],
        batch_size=1000,
    )


def bundles_expire(*, older_than: dt.timedelta) -> int:
    """Delete the ZIP files of bundles finished longer ago than the retention period.

    A bundle is a copy of ID-card images for the registration office to download,
    not an archive: keeping it longer than needed only multiplies personal data.
    The row stays (who asked for what, when) with status `expired`.
    """
    cutoff = timezone.now() - older_than
    expired = 0
    for bundle in ScanBundle.objects.filter(status=ScanBundle.Status.DONE, finished_at__lt=cutoff).exclude(file=""):
        name = bundle.file.name
        ScanBundle.objects.filter(pk=bundle.pk).update(status=ScanBundle.Status.EXPIRED, file="")
        bundle.file.storage.delete(name)
        expired += 1
    return expired
