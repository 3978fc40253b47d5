"""Photos sent from a phone in chunks that resume after a cut: the server side of the tus protocol 1.0.0.

Why tus and this small server rather than another chunk format: tus is a public protocol with a
maintained browser client (tus-js-client, vendored) that already retries, resumes from the offset the
server reports (HEAD) and sends chunks of a chosen size; the server side is a few rules (creation,
offsets, checksum, termination) that fit in this module, store each chunk as its own object (a disk
or S3 alike, any number of web processes), and hand the assembled file to the unchanged
`scan_upload`. Verification: every chunk's length and offset, its SHA-256 when the client sends
`Upload-Checksum`, and the whole file's SHA-256 (made on the phone, in the metadata) before a scan is
made. The upload id is the scan id made on the phone, so a retried upload is the same scan.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collection.models import EDITABLE_STATUSES, ChunkedUpload, CollectedRecord, Scan, ScanKind
from collection.scans import encryption
from collection.scans.services import UPLOAD_ROLES, ScanDuplicate, ScanRejected, scan_upload
from collection.scope import restrict, user_scope

logger = logging.getLogger(__name__)

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,checksum,termination,expiration"


class UploadRefused(Exception):
    """Answered with `status` and a message for the official; nothing stored."""

    def __init__(self, status: int, message: str | object):
        super().__init__(str(message))
        self.status = status
        self.message = str(message)


# tus status codes
CONFLICT, TOO_LARGE, CHECKSUM_MISMATCH, GONE, BAD_REQUEST, NOT_FOUND = 409, 413, 460, 410, 400, 404


@dataclass(frozen=True)
class UploadState:
    id: uuid.UUID
    offset: int
    length: int
    scan_id: uuid.UUID | None
    scan_status: str = ""  # pending, ready, failed: "Sẵn sàng" on the phone once ready


def _state(upload: ChunkedUpload) -> UploadState:
    scan = Scan.objects.filter(pk=upload.scan_id).values_list("status", flat=True).first() if upload.scan_id else ""
    return UploadState(upload.id, upload.offset, upload.length, upload.scan_id, scan or "")


def parse_metadata(header: str) -> dict[str, str]:
    """`Upload-Metadata: key base64value,key2 base64value2` (tus); a bad value is a 400."""
    values = {}
    for item in filter(None, (part.strip() for part in (header or "").split(","))):
        key, _sep, encoded = item.partition(" ")
        try:
            values[key] = base64.b64decode(encoded, validate=True).decode("utf-8") if encoded else ""
        except (binascii.Error, UnicodeDecodeError):
            raise UploadRefused(BAD_REQUEST, _("Thông tin kèm ảnh không đọc được.")) from None
    return values


@dataclass(frozen=True)
class Uploader:
    """Who sends the photo: a signed-in official's outbox, or a citizen's link (no account). Each sees
    only their own uploads, and a link's photos go to that link's record alone."""

    user: Any = None
    link: Any = None  # a CitizenLink, already checked open by the caller

    def own(self, queryset):
        return queryset.filter(citizen_link=self.link) if self.link is not None else queryset.filter(user=self.user)

    def record(self, metadata: dict[str, str]) -> CollectedRecord:
        if self.link is not None:
            from collection.citizen import link_record  # noqa: PLC0415 - collection.citizen imports scans.services

            return link_record(self.link)
        return _editable_record(self.user, metadata.get("record", ""))

    def same_as(self, upload: ChunkedUpload, metadata: dict[str, str]) -> bool:
        if self.link is not None:
            return upload.citizen_link_id == self.link.pk
        return upload.user_id == self.user.pk and str(upload.record.client_id) == metadata.get("record")


def _editable_record(user, client_id: str) -> CollectedRecord:
    if user_scope(user).role not in UPLOAD_ROLES:
        raise PermissionDenied
    try:
        record = restrict(CollectedRecord.objects.all(), user).filter(client_id=uuid.UUID(client_id)).first()
    except ValueError:
        record = None
    if record is None:
        # The outbox sends the record first; a photo of a record not yet there waits and tries again.
        raise UploadRefused(CONFLICT, _("Bản ghi của ảnh chưa có trên máy chủ; ảnh sẽ được gửi sau."))
    if record.status not in EDITABLE_STATUSES:
        raise UploadRefused(CONFLICT, _("Bản ghi đã gửi: không thể thêm ảnh (chỉ khi là bản nháp hoặc bị trả lại)."))
    return record


def upload_create(*, by: Uploader, upload_id: uuid.UUID, length: int | None, metadata: dict[str, str]) -> UploadState:
    """Start an upload (or answer the one already started with this id: a retried creation)."""
    if length is None or length <= 0:
        raise UploadRefused(BAD_REQUEST, _("Thiếu độ dài tệp ảnh."))
    limit = settings.SCAN_MAX_BYTES
    if length > limit:
        raise UploadRefused(
            TOO_LARGE,
            _("Ảnh quá lớn (%(size)s MB); giới hạn là %(limit)s MB.")
            % {"size": round(length / 1048576, 1), "limit": round(limit / 1048576, 1)},
        )
    kind = metadata.get("kind", "")
    if kind not in ScanKind.values:
        raise UploadRefused(BAD_REQUEST, _("Chưa chọn loại ảnh."))
    sha256 = metadata.get("sha256", "").lower()
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise UploadRefused(BAD_REQUEST, _("Thiếu mã kiểm tra SHA-256 của ảnh."))
    existing = ChunkedUpload.objects.filter(pk=upload_id).select_related("record").first()
    if existing is not None:  # a retried creation (its answer was lost): the same upload, whatever happened since
        if not by.same_as(existing, metadata) or existing.length != length:
            raise UploadRefused(CONFLICT, _("Mã ảnh này đã được dùng cho ảnh khác."))
        return _state(existing)
    record = by.record(metadata)
    try:
        with transaction.atomic():
            upload = ChunkedUpload.objects.create(
                id=upload_id,
                record=record,
                user=by.user,
                citizen_link=by.link,
                kind=kind,
                original_name=metadata.get("filename", "")[:255],
                length=length,
                sha256=sha256,
            )
    except IntegrityError:  # the same creation twice at the same moment: the first one stands
        return upload_create(by=by, upload_id=upload_id, length=length, metadata=metadata)
    return _state(upload)


def _own_upload(by: Uploader, upload_id: uuid.UUID, *, lock: bool = False) -> ChunkedUpload:
    qs = by.own(ChunkedUpload.objects.filter(pk=upload_id))
    upload = (qs.select_for_update() if lock else qs).first()
    if upload is None:
        raise UploadRefused(NOT_FOUND, _("Không tìm thấy lượt tải ảnh này."))
    return upload


def upload_state(*, by: Uploader, upload_id: uuid.UUID) -> UploadState:
    return _state(_own_upload(by, upload_id))


def _checksum_ok(header: str | None, data: bytes) -> bool:
    """`Upload-Checksum: sha256 <base64 digest>`; absent means the client did not send one."""
    if not header:
        return True
    algorithm, _sep, encoded = header.partition(" ")
    if algorithm.lower() != "sha256":
        raise UploadRefused(BAD_REQUEST, _("Chỉ nhận mã kiểm tra sha256."))
    try:
        expected = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise UploadRefused(BAD_REQUEST, _("Mã kiểm tra không đọc được.")) from None
    return hashlib.sha256(data).digest() == expected


def upload_append(
    *,
    by: Uploader,
    upload_id: uuid.UUID,
    offset: int | None,
    content_length: int | None,
    read_body: Callable[[], bytes],
    checksum: str | None,
) -> UploadState:
    """Store one chunk at `offset` (checked before the body is read) and, with the last one, make the scan."""
    with transaction.atomic():
        upload = _own_upload(by, upload_id, lock=True)
        complete = upload.complete
    if complete:  # sent again after its answer was lost, or its scan was not made yet
        return _finish(upload) if upload.scan_id is None and not upload.error else _state(upload)
    with transaction.atomic():
        upload = _own_upload(by, upload_id, lock=True)
        if offset is None or offset != upload.offset:
            raise UploadRefused(CONFLICT, _("Vị trí tiếp nối không khớp; máy sẽ hỏi lại và gửi tiếp."))
        if content_length is None or content_length <= 0:
            raise UploadRefused(BAD_REQUEST, _("Thiếu độ dài phần gửi."))
        if content_length > settings.SCAN_CHUNK_MAX_BYTES or offset + content_length > upload.length:
            raise UploadRefused(TOO_LARGE, _("Phần gửi quá lớn."))
        try:
            data = read_body()
        except OSError:
            data = b""
        if len(data) != content_length:
            # The connection was cut in the middle of the chunk: nothing of it is kept, the phone resends it.
            raise UploadRefused(BAD_REQUEST, _("Phần gửi bị ngắt giữa chừng; sẽ gửi lại."))
        if not _checksum_ok(checksum, data):
            raise UploadRefused(CHECKSUM_MISMATCH, _("Phần gửi bị hỏng trên đường truyền; sẽ gửi lại."))
        # Each chunk is a piece of an ID card photo: encrypted like the scan it becomes.
        name, key_id = encryption.save_encrypted(f"uploads/{upload.id.hex}/{offset:012d}.part", data)
        upload.chunks = [*upload.chunks, name]
        upload.offset = offset + len(data)
        upload.key_id = key_id
        upload.save(update_fields=["chunks", "offset", "key_id", "updated_at"])
    if upload.complete:
        return _finish(upload)
    return _state(upload)


def _read_chunks(upload: ChunkedUpload) -> bytes:
    # Each chunk names its key in its header (a rotation may fall between two chunks).
    return b"".join(encryption.read_decrypted(name) for name in upload.chunks)


def _delete_chunks(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not delete upload chunk %s", name)


def _finish(upload: ChunkedUpload) -> UploadState:
    """The whole file is there: check it against the phone's SHA-256, then hand it to `scan_upload`."""
    data = _read_chunks(upload)
    names = list(upload.chunks)
    if hashlib.sha256(data).hexdigest() != upload.sha256:
        ChunkedUpload.objects.filter(pk=upload.pk).update(offset=0, chunks=[], error="sha256")
        _delete_chunks(names)
        raise UploadRefused(CHECKSUM_MISMATCH, _("Ảnh nhận được khác ảnh trên máy; sẽ gửi lại từ đầu."))
    with transaction.atomic():
        locked = ChunkedUpload.objects.select_for_update().get(pk=upload.pk)
        if locked.scan_id is None:
            record = CollectedRecord.objects.get(pk=upload.record_id)
            try:
                scan = scan_upload(
                    record=record,
                    user=upload.user,
                    allowed_by_link=upload.citizen_link_id is not None,
                    upload=ContentFile(data, name=upload.original_name or "anh.jpg"),
                    kind=upload.kind,
                    scan_id=upload.id,
                )
            except ScanDuplicate as exc:
                scan = exc.existing  # the same photo already attached to this record: that is the scan
            except ScanRejected as exc:
                ChunkedUpload.objects.filter(pk=upload.pk).update(error=str(exc.messages[0])[:300])
                transaction.on_commit(lambda: _delete_chunks(names))
                raise UploadRefused(BAD_REQUEST, exc.messages[0]) from None
            locked.scan = scan
            locked.save(update_fields=["scan", "updated_at"])
        transaction.on_commit(lambda: _delete_chunks(names))
    upload.refresh_from_db()
    return _state(upload)


def upload_delete(*, by: Uploader, upload_id: uuid.UUID) -> None:
    """Termination: the phone gave up this photo (deleted by the official before it was sent)."""
    with transaction.atomic():
        upload = _own_upload(by, upload_id, lock=True)
        names = list(upload.chunks)
        if upload.scan_id is None:
            upload.delete()
        transaction.on_commit(lambda: _delete_chunks(names))


def uploads_expire(*, older_than: dt.timedelta) -> int:
    """Uploads left unfinished for a long time (a phone lost or reset): chunks and rows deleted."""
    cutoff = timezone.now() - older_than
    stale = list(ChunkedUpload.objects.filter(scan__isnull=True, updated_at__lt=cutoff)[:500])
    for upload in stale:
        _delete_chunks(list(upload.chunks))
        upload.delete()
    return len(stale)
