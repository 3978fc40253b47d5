"""Writes for scans: upload (store + queue), processing (in the worker), opening (access log), deletion."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collection import history, signals
from collection.models import EDITABLE_STATUSES, CollectedRecord, DocumentAccess, Role, Scan, ScanKind
from collection.scans import encryption, processing
from collection.scans.processing import ImageRejected, Rejection
from collection.scope import user_scope
from config.queueing import queue_safely

logger = logging.getLogger(__name__)

# Users who may add or remove images: the commune's own staff and province admins.
UPLOAD_ROLES = (Role.OFFICIAL, Role.GROUP_LEADER, Role.ADMIN)

REJECTION_MESSAGES = {
    Rejection.NOT_IMAGE: _("Tệp này không phải là ảnh (JPEG, PNG, WebP, HEIC)."),
    Rejection.PDF: _("Tệp PDF không được nhận: hãy chụp ảnh từng trang giấy tờ."),
    Rejection.UNSUPPORTED: _("Định dạng ảnh này không được hỗ trợ (chỉ nhận JPEG, PNG, WebP, HEIC)."),
    Rejection.BOMB: _("Ảnh có kích thước điểm ảnh quá lớn, không thể xử lý an toàn."),
    Rejection.TRUNCATED: _("Tệp ảnh bị hỏng hoặc tải lên không trọn vẹn; hãy chụp và tải lại."),
}
NO_FILE_MESSAGE = _("Chưa chọn tệp ảnh nào.")
UPLOADED_MESSAGE = _("đã tải lên, đang xử lý.")
STORAGE_ERROR = "storage"
ERROR_MESSAGES = {r.value: m for r, m in REJECTION_MESSAGES.items()} | {
    STORAGE_ERROR: _("Không đọc được tệp đã lưu; hãy tải lại ảnh."),
}


class ScanRejected(ValidationError):
    """A file that is not stored; the message is for the user."""


class ScanDuplicate(ScanRejected):
    def __init__(self, message, *, existing: Scan):
        super().__init__(message, code="duplicate")
        self.existing = existing


class ScanStorageError(Exception):
    """The stored file could not be read: worth a retry."""


@dataclass(frozen=True)
class UploadOutcome:
    name: str
    scan: Scan | None = None
    error: str = ""
    duplicate: bool = False

    @property
    def ok(self) -> bool:
        return self.scan is not None and not self.error


def scan_may_upload(*, user: AbstractBaseUser | AnonymousUser, record: CollectedRecord) -> bool:
    """Officials/group leaders of the record's commune and admins, while the record is editable.

    The caller has already fetched `record` through the user's scope, so the commune
    (and working group) is checked there; this adds the role and the record state.
    """
    return user_scope(user).role in UPLOAD_ROLES and record.status in EDITABLE_STATUSES


def _ensure_may_upload(user, record: CollectedRecord) -> None:
    if user_scope(user).role not in UPLOAD_ROLES:
        raise PermissionDenied
    _ensure_editable(record)


def _ensure_editable(record: CollectedRecord) -> None:
    if record.status not in EDITABLE_STATUSES:
        raise ScanRejected(
            _("Bản ghi đã gửi: không thể thêm hoặc xóa ảnh (chỉ được khi là bản nháp hoặc bị trả lại)."),
            code="locked",
        )


def _storage_name(folder: str, extension: str, *, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    return f"{folder}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{extension}"


def _upload_sha256(upload: File) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _read_all(upload: File) -> bytes:
    upload.seek(0)
    data = b"".join(upload.chunks())
    upload.seek(0)
    return data


def scan_upload(
    *,
    record: CollectedRecord,
    user,
    upload: UploadedFile | File,
    kind: str,
    scan_id=None,
    allowed_by_link: bool = False,
) -> Scan:
    """Check and store one uploaded image, then queue its processing; raise ScanRejected.

    `scan_id` is the id a phone made for the photo (its outbox sends it again after a cut).
    Only the header is read here (the request must answer at once): decoding, turning
    upright and stripping metadata happen in the worker (`scan_process`). The upload's
    SHA-256 is taken over the temporary upload before anything is written, so a
    duplicate is refused without touching storage; the file is then streamed to storage
    chunk by chunk under a generated name.
    """
    if allowed_by_link:  # a citizen's link, checked open by the caller: only the record's state matters
        _ensure_editable(record)
    else:
        _ensure_may_upload(user, record)
    if kind not in ScanKind.values:
        raise ScanRejected(_("Chưa chọn loại ảnh."), code="kind")
    max_bytes = settings.SCAN_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise ScanRejected(
            _("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB.")
            % {"size": round(upload.size / 1024 / 1024, 1), "limit": round(max_bytes / 1024 / 1024, 1)},
            code="too_large",
        )
    if not upload.size:
        raise ScanRejected(_("Tệp rỗng."), code="empty")
    try:
        sniffed = processing.sniff_image(upload, max_pixels=settings.SCAN_MAX_PIXELS)
    except ImageRejected as exc:
        raise ScanRejected(REJECTION_MESSAGES[exc.reason], code=exc.reason.value) from exc

    sha256 = _upload_sha256(upload)
    existing = Scan.objects.filter(record=record, sha256=sha256).first()
    if existing is not None:
        raise ScanDuplicate(_("Ảnh này đã được tải lên."), existing=existing)

    # Encrypted before it touches storage (collection.scans.encryption): held whole in memory, at most
    # SCAN_MAX_BYTES, as the worker does when it cleans it.
    name, key_id = encryption.save_encrypted(_storage_name("scans", sniffed.extension), _read_all(upload))
    scan = Scan(
        **({"id": scan_id} if scan_id else {}),
        record=record,
        kind=kind,
        original_name=(upload.name or "")[:255],
        file=name,
        key_id=key_id,
        sha256=sha256,
        size_bytes=upload.size,
        width=sniffed.width,
        height=sniffed.height,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            scan.save()
            history.scan_added(scan=scan, user=user)
    except IntegrityError:  # the same image arrived twice at the same moment
        default_storage.delete(name)
        existing = Scan.objects.filter(record=record, sha256=sha256).first()
        raise ScanDuplicate(_("Ảnh này đã được tải lên."), existing=existing) from None
    except BaseException:
        default_storage.delete(name)
        raise
    transaction.on_commit(lambda: _queue_processing(scan.pk))
    return scan


def _queue_processing(scan_id) -> None:
    """Queue the worker; a broker outage must not undo or hide a stored upload.

    The scan stays pending and `scans_requeue_stale` (periodic task) queues it again.
    """
    from collection.tasks import process_scan  # noqa: PLC0415 - collection.tasks imports this module

    queue_safely(lambda: process_scan.delay(str(scan_id)), what=f"processing of scan {scan_id}")


def scans_upload(*, record: CollectedRecord, user, uploads: list[tuple[UploadedFile, str]]) -> list[UploadOutcome]:
    """Each file on its own: one bad or duplicate file never stops the others."""
    outcomes = []
    for upload, kind in uploads:
        name = upload.name or "?"
        try:
            with transaction.atomic():
                scan = scan_upload(record=record, user=user, upload=upload, kind=kind)
        except ScanDuplicate as exc:
            outcomes.append(UploadOutcome(name=name, scan=exc.existing, error=exc.messages[0], duplicate=True))
        except ScanRejected as exc:
            outcomes.append(UploadOutcome(name=name, error=exc.messages[0]))
        except PermissionDenied:
            raise
        except Exception:  # noqa: BLE001 — one file's failure must not reach the user as a 500
            logger.exception("scan upload failed for record %s (%s)", record.pk, name)
            outcomes.append(UploadOutcome(name=name, error=str(_("Không lưu được tệp này; hãy thử lại."))))
        else:
            outcomes.append(UploadOutcome(name=name, scan=scan))
    return outcomes


def scan_process(*, scan_id, blur_threshold: float | None = None) -> str:
    """Turn an uploaded file into the stored, cleaned image; idempotent (only pending scans).

    The cleaned JPEG and thumbnail are written under new names and the row is updated in
    one transaction; the upload is deleted only after the commit. On a rejected image the
    upload (which may carry GPS) is deleted and the scan is marked failed with the reason.
    """
    scan = Scan.objects.filter(pk=scan_id).select_related("record").first()
    if scan is None:
        logger.info("scan %s vanished before processing", scan_id)
        return "missing"
    if scan.status != Scan.Status.PENDING:
        return "skipped"
    try:
        data = encryption.read_decrypted(scan.file.name or "", key_id=scan.key_id)
    except (OSError, ValueError) as exc:
        raise ScanStorageError(str(exc)) from exc

    try:
        result = processing.process_image(
            data,
            max_pixels=settings.SCAN_MAX_PIXELS,
            qr_full_resolution_retry=scan.is_id_card,
            blur_threshold=blur_threshold or getattr(settings, "SCAN_BLUR_THRESHOLD", processing.BLUR_THRESHOLD),
        )
    except ImageRejected as exc:
        logger.info("scan %s rejected: %s", scan.pk, exc)
        upload_name = scan.file.name
        with transaction.atomic():
            Scan.objects.filter(pk=scan.pk, status=Scan.Status.PENDING).update(
                status=Scan.Status.FAILED, error=exc.reason.value, file="", processed_at=timezone.now()
            )
        default_storage.delete(upload_name)
        signals.scan_processed.send(sender=Scan, scan_id=scan.pk, record_id=scan.record_id)
        return "failed"

    upload_name = scan.file.name
    now = timezone.now()
    # The cleaned image and its thumbnail (an ID card still, small) are encrypted like the upload.
    image_name, key_id = encryption.save_encrypted(_storage_name("scans", "jpg", now=now), result.image_bytes)
    thumb_name, _key = encryption.save_encrypted(_storage_name("thumbs", "jpg", now=now), result.thumbnail_bytes)
    try:
        with transaction.atomic():
            updated = Scan.objects.filter(pk=scan.pk, status=Scan.Status.PENDING).update(
                file=image_name,
                thumbnail=thumb_name,
                key_id=key_id,
                stored_sha256=result.sha256,
                phash=result.phash,
                width=result.width,
                height=result.height,
                quality_score=result.sharpness,
                needs_retake=result.needs_retake,
                quality_note=" ".join(issue.value for issue in result.issues),
                qr_payload=result.qr_payload,
                status=Scan.Status.READY,
                error="",
                processed_at=now,
            )
    except Exception:
        default_storage.delete(image_name)
        default_storage.delete(thumb_name)
        raise
    if not updated:  # processed (or deleted) by another delivery meanwhile
        default_storage.delete(image_name)
        default_storage.delete(thumb_name)
        return "skipped"
    default_storage.delete(upload_name)
    signals.scan_processed.send(sender=Scan, scan_id=scan.pk, record_id=scan.record_id)
    return "ready"


def scan_open(*, scan: Scan, user, action: str = DocumentAccess.Action.VIEW, ip_address: str | None = None):
    """Record that `user` opened `scan` (personal data law); returns the decrypted file to stream.

    The log row is written before the file is opened, so even a failed download is logged. The one
    place (with the workers and the bundle builder) where a scan's bytes are decrypted; a key that is
    missing or not the file's raises encryption.ScanKeyError with the reason.
    """
    field = scan.thumbnail if action == DocumentAccess.Action.THUMBNAIL else scan.file
    DocumentAccess.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        scan=scan,
        record_id=scan.record_id,
        action=action,
        ip_address=ip_address,
    )
    if not field or not field.name:
        raise FileNotFoundError(scan.pk)
    return encryption.open_decrypted(field.name, key_id=scan.key_id)


def scan_delete(*, scan: Scan, user) -> None:
    """Remove an image from an editable record (e.g. a blurred photo to retake); files go after commit."""
    _ensure_may_upload(user, scan.record)
    names = [name for name in (scan.file.name, scan.thumbnail.name) if name]
    with transaction.atomic():
        history.scans_deleted(scans=[(scan.pk, scan.record_id, scan.kind, scan.original_name)], user=user)
        scan.delete()
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


def scans_requeue_stale(*, older_than: dt.timedelta = dt.timedelta(minutes=10), limit: int = 500) -> int:
    """Queue again scans still pending long after upload (a lost message, a worker killed mid-task).

    Safe to run at any time: `scan_process` only works on pending scans, so a scan queued
    twice is processed once.
    """
    cutoff = timezone.now() - older_than
    stale = list(
        Scan.objects.filter(status=Scan.Status.PENDING, uploaded_at__lt=cutoff)
        .order_by("uploaded_at")
        .values_list("pk", flat=True)[:limit]
    )
    for scan_id in stale:
        transaction.on_commit(lambda scan_id=scan_id: _queue_processing(scan_id))
    return len(stale)


@dataclass(frozen=True)
class PurgeResult:
    scans: int
    files: int


def scans_purge(
    *, uploaded_before: dt.date, commune_code: str | None = None, dry_run: bool = False, chunk_size: int = 500
) -> PurgeResult:
    """Delete scans (rows and files) uploaded before a date, once the campaign no longer needs them.

    Personal-data law limits keeping ID-card images to the campaign's purpose. The
    access log keeps its rows (its scan link becomes empty), so who opened what
    stays on record after the images are gone.
    """
    cutoff = timezone.make_aware(dt.datetime.combine(uploaded_before, dt.time.min))
    queryset = Scan.objects.filter(uploaded_at__lt=cutoff)
    if commune_code:
        queryset = queryset.filter(record__former_commune__commune_id=commune_code)
    if dry_run:
        return PurgeResult(scans=queryset.count(), files=0)
    scans = files = 0
    while True:
        batch = list(
            queryset.order_by("uploaded_at").values_list(
                "pk", "file", "thumbnail", "record_id", "kind", "original_name"
            )[:chunk_size]
        )
        if not batch:
            return PurgeResult(scans=scans, files=files)
        names = [name for _, file_name, thumb, *_rest in batch for name in (file_name, thumb) if name]
        with transaction.atomic():
            history.scans_deleted(
                scans=[(pk, record_id, kind, name) for pk, _f, _t, record_id, kind, name in batch],
                user=None,
                actor=f"{history.SYSTEM} purge_scans",
            )
            Scan.objects.filter(pk__in=[row[0] for row in batch]).delete()
        for name in names:  # after the commit: a failed delete leaves an orphan file, never a dangling row
            try:
                default_storage.delete(name)
                files += 1
            except OSError:
                logger.warning("could not delete scan file %s", name)
        scans += len(batch)
