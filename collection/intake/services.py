"""A commune's intake: photos and PDFs from outside the portal, read, proposed to a plot, confirmed.

`intake_upload` stores each file (each page of a PDF) after the scan checks and queues it;
`intake_process` (the worker) cleans it as a scan is cleaned, reads it (`reading.read_photo`) and
proposes a plot (`proposals.propose`); an official then confirms (the photo becomes a scan of the
plot's record, a draft made when there is none), corrects the plot, or rejects. Nothing is attached
without that confirmation.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from dataclasses import asdict, dataclass

import imagehash
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from collection import services as record_services
from collection.intake import pdf, proposals
from collection.intake.reading import PhotoReading, read_photo
from collection.models import (
    CERTIFICATE_SCAN_KINDS,
    EDITABLE_STATUSES,
    CollectedRecord,
    IntakeBatch,
    IntakeItem,
    IntakeKind,
    Role,
    Scan,
    ScanKind,
)
from collection.scans import encryption, processing
from collection.scans.processing import ImageRejected
from collection.scans.services import REJECTION_MESSAGES, ScanDuplicate, ScanRejected, scan_upload
from collection.scope import get_scoped_or_404, restrict, user_scope
from config.queueing import queue_safely
from landdata.models import Commune, Plot

logger = logging.getLogger(__name__)

INTAKE_ROLES = (Role.OFFICIAL, Role.GROUP_LEADER, Role.ADMIN)
CONFIRM_ALL_ABOVE = 0.95
MAX_FILES_PER_BATCH = 500
# The certificate fields OCR may suggest in the record form (never written by themselves).
SUGGESTED_FIELDS = {
    "serial": "certificate_serial",
    "book_number": "certificate_book_number",
    "area_m2": "area_m2",
    "holder_name": "holder_name",
    "holder_birth": "holder_birth",
}


class IntakeRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Received:
    name: str
    items: int = 0
    error: str = ""


def require_intake(user, commune: Commune) -> None:
    scope = user_scope(user)
    if scope.role not in INTAKE_ROLES or not restrict(Commune.objects.filter(pk=commune.pk), user).exists():
        raise PermissionDenied


# --- receiving ------------------------------------------------------------------------------------


def intake_upload(*, user, commune: Commune, files: list, note: str = "") -> tuple[IntakeBatch, list[Received]]:
    """Store each file of a batch (each page of a PDF as its own photo) and queue it; one bad file never
    stops the others."""
    require_intake(user, commune)
    if len(files) > MAX_FILES_PER_BATCH:
        raise IntakeRefused(_("Mỗi đợt tối đa %(n)d tệp.") % {"n": MAX_FILES_PER_BATCH})
    batch = IntakeBatch.objects.create(commune=commune, uploaded_by=user, note=note[:200])
    received = []
    for upload in files:
        name = (getattr(upload, "name", "") or "?")[:255]
        try:
            received.append(Received(name, items=len(_receive(batch, upload, name))))
        except (ScanRejected, pdf.PdfRejected) as exc:
            message = exc.messages[0] if isinstance(exc, ScanRejected) else _("Tệp PDF không đọc được.")
            received.append(Received(name, error=str(message)))
    return batch, received


def _receive(batch: IntakeBatch, upload, name: str) -> list[IntakeItem]:
    if upload.size and upload.size > settings.SCAN_MAX_BYTES * 4:
        raise ScanRejected(_("Tệp quá lớn."), code="too_large")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if pdf.is_pdf(head):
        pages = list(pdf.pdf_pages(upload.read()))
        return [_store(batch, ContentFile(data, name=f"{name}#page={n}"), name, page=n) for n, data in pages]
    if upload.size and upload.size > settings.SCAN_MAX_BYTES:
        raise ScanRejected(_("Tệp quá lớn."), code="too_large")
    try:
        processing.sniff_image(upload, max_pixels=settings.SCAN_MAX_PIXELS)
    except ImageRejected as exc:
        raise ScanRejected(REJECTION_MESSAGES[exc.reason], code=exc.reason.value) from exc
    return [_store(batch, upload, name)]


def _store(batch: IntakeBatch, content, name: str, *, page: int | None = None) -> IntakeItem:
    content.seek(0)
    data = b"".join(content.chunks())
    # Encrypted at rest like scans: a photo from Zalo is an ID card just the same.
    stored, key_id = encryption.save_encrypted(f"intake/{timezone.now():%Y/%m}/{uuid.uuid4().hex}", data)
    item = IntakeItem.objects.create(
        batch=batch,
        commune_id=batch.commune_id,
        original_name=name,
        page=page,
        file=stored,
        key_id=key_id,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    transaction.on_commit(lambda: _queue(item.pk))
    return item


def _queue(item_id) -> None:
    from collection.tasks import process_intake_item  # noqa: PLC0415 - collection.tasks imports this module

    queue_safely(lambda: process_intake_item.delay(str(item_id)), what=f"reading of intake item {item_id}")


# --- reading ------------------------------------------------------------------------------------

_INDEX_SECONDS = 60
_indexes: dict[str, tuple[float, proposals.CommuneIndex]] = {}


def _index(commune_code: str) -> proposals.CommuneIndex:
    """The commune's registry index, kept a minute per worker process: a batch is read photo by photo."""
    cached = _indexes.get(commune_code)
    if cached is None or time.monotonic() - cached[0] > _INDEX_SECONDS:
        cached = (time.monotonic(), proposals.commune_index(commune_code))
        _indexes[commune_code] = cached
    return cached[1]


def reading_as_json(reading: PhotoReading) -> dict:
    """What was read, as stored with the item and shown to the official."""
    out: dict = {"kind": str(reading.kind), "orientation": reading.orientation, "notes": list(reading.notes)}
    if reading.qr is not None:
        qr = reading.qr
        out["qr"] = {
            "id_number": qr.id_number,
            "old_id_number": qr.old_id_number,
            "name": qr.name,
            "birth": qr.birth_text,
        }
    for part in ("card", "certificate"):
        value = getattr(reading, part)
        if value is not None:
            out[part] = {key: field for key, field in asdict(value).items() if field is not None}
    return out


def read_and_propose(
    data: bytes, *, commune_code: str
) -> tuple[processing.ProcessedImage, PhotoReading, proposals.Proposal | None]:
    """The pipeline of one photo, for the worker and `intake_photos` alike: cleaned as a scan is
    (upright, no metadata), read, and proposed to a plot of the commune. Raises ImageRejected."""
    cleaned = processing.process_image(data, max_pixels=settings.SCAN_MAX_PIXELS)
    reading = read_photo(cleaned.image_bytes)
    return cleaned, reading, proposals.propose(reading, _index(commune_code))


def intake_process(*, item_id) -> str:
    """Clean, read and propose one item; idempotent (only pending items)."""
    item = IntakeItem.objects.filter(pk=item_id, status=IntakeItem.Status.PENDING).first()
    if item is None:
        return "skipped"
    upload_name = item.file.name or ""
    data = encryption.read_decrypted(upload_name, key_id=item.key_id)
    try:
        cleaned, reading, proposal = read_and_propose(data, commune_code=item.commune_id)
    except ImageRejected as exc:
        IntakeItem.objects.filter(pk=item.pk).update(
            status=IntakeItem.Status.FAILED, error=exc.reason.value, processed_at=timezone.now(), file=""
        )
        default_storage.delete(upload_name)
        return "failed"
    now = timezone.now()
    image, key_id = encryption.save_encrypted(f"intake/{now:%Y/%m}/{uuid.uuid4().hex}.jpg", cleaned.image_bytes)
    thumb, _key = encryption.save_encrypted(f"intake/{now:%Y/%m}/{uuid.uuid4().hex}.jpg", cleaned.thumbnail_bytes)
    duplicate = _duplicate_of(item, cleaned.phash)
    IntakeItem.objects.filter(pk=item.pk).update(
        status=IntakeItem.Status.READY,
        file=image,
        thumbnail=thumb,
        key_id=key_id,
        phash=cleaned.phash,
        kind=str(reading.kind),
        reading=reading_as_json(reading),
        proposed_plot_id=proposal.plot.plot_id if proposal else None,
        matched_by=proposal.matched_by if proposal else "",
        confidence=proposal.confidence if proposal else None,
        duplicate_of=duplicate,
        processed_at=now,
    )
    default_storage.delete(upload_name)
    return "ready"


# Perceptual hashes this close (of 64 bits) are the same photo re-encoded, resized or cropped a little.
NEAR_DUPLICATE_BITS = 8
NEAR_DUPLICATE_WINDOW = 2000  # the commune's latest photos compared


def _duplicate_of(item: IntakeItem, phash: str) -> IntakeItem | None:
    """An earlier photo of the commune with the same bytes, or one that looks the same."""
    earlier = IntakeItem.objects.filter(commune_id=item.commune_id).exclude(pk=item.pk)
    exact = earlier.filter(sha256=item.sha256).order_by("uploaded_at").first()
    if exact is not None or not phash:
        return exact
    mine = imagehash.hex_to_hash(phash)
    candidates = earlier.exclude(phash="").order_by("-uploaded_at").values_list("pk", "phash")
    for pk, other in candidates[:NEAR_DUPLICATE_WINDOW]:
        if mine - imagehash.hex_to_hash(other) <= NEAR_DUPLICATE_BITS:
            return IntakeItem.objects.get(pk=pk)
    return None


# --- deciding -----------------------------------------------------------------------------------


def _scan_kind(item: IntakeItem, record: CollectedRecord) -> str:
    """The record's scan kind for an intake photo: a certificate page takes the next free page."""
    if item.kind == IntakeKind.ID_FRONT:
        return ScanKind.ID_FRONT
    if item.kind == IntakeKind.ID_BACK:
        return ScanKind.ID_BACK
    if item.kind == IntakeKind.CERTIFICATE:
        used = set(record.scans.values_list("kind", flat=True))
        for kind in sorted(CERTIFICATE_SCAN_KINDS):
            if kind not in used:
                return kind
        return ScanKind.CERT_PAGE_4
    return ScanKind.OTHER


def suggestions_of(item: IntakeItem) -> dict:
    """The certificate's fields OCR read, for the record form to offer (contract: never written silently)."""
    certificate = item.reading.get("certificate") or {}
    out = {}
    for key, field_name in SUGGESTED_FIELDS.items():
        if key in certificate:
            value = certificate[key]["value"]
            out[field_name] = {
                "value": value.replace(".", ",") if field_name == "area_m2" else value,
                "confidence": certificate[key]["confidence"],
            }
    return out


@transaction.atomic
def intake_confirm(*, user, item_id, plot_id: int | None = None) -> Scan:
    """Attach the photo to the plot (the proposed one, or `plot_id` when the official corrects it)."""
    item = get_scoped_or_404(IntakeItem.objects.select_for_update(), user, pk=item_id)
    require_intake(user, item.commune)
    if item.decision or item.status != IntakeItem.Status.READY:
        raise IntakeRefused(_("Ảnh này đã được xử lý."))
    target = plot_id or item.proposed_plot_id
    if target is None:
        raise IntakeRefused(_("Chưa chọn thửa đất cho ảnh này."))
    plot = get_scoped_or_404(Plot.objects.filter(former_commune__commune_id=item.commune_id), user, pk=target)
    record, _created = record_services.record_create_draft(plot=plot, user=user)
    if record.status not in EDITABLE_STATUSES:
        raise IntakeRefused(_("Bản ghi của thửa này đã gửi; chờ văn phòng trả lại rồi bổ sung."))
    with encryption.open_decrypted(item.file.name or "", key_id=item.key_id) as handle:
        upload = File(handle, name=f"{item.original_name}.jpg")
        try:
            scan = scan_upload(record=record, user=user, upload=upload, kind=_scan_kind(item, record))
        except ScanDuplicate as exc:
            scan = exc.existing
    if suggestions_of(item):
        Scan.objects.filter(pk=scan.pk).update(text_fields=suggestions_of(item))
    IntakeItem.objects.filter(pk=item.pk).update(
        decision=IntakeItem.Decision.CONFIRMED,
        decided_by=user,
        decided_at=timezone.now(),
        scan=scan,
        proposed_plot=plot,
    )
    return scan


@transaction.atomic
def intake_reject(*, user, item_id) -> None:
    item = get_scoped_or_404(IntakeItem.objects.select_for_update(), user, pk=item_id)
    require_intake(user, item.commune)
    if item.decision:
        raise IntakeRefused(_("Ảnh này đã được xử lý."))
    IntakeItem.objects.filter(pk=item.pk).update(
        decision=IntakeItem.Decision.REJECTED, decided_by=user, decided_at=timezone.now()
    )


def intake_confirm_all(*, user, commune: Commune, above: float = CONFIRM_ALL_ABOVE) -> tuple[int, int]:
    """Confirm every waiting proposal above `above` that is not a duplicate: (confirmed, left)."""
    require_intake(user, commune)
    items = list(
        restrict(IntakeItem.objects.all(), user)
        .filter(commune=commune, decision="", status=IntakeItem.Status.READY, confidence__gt=above)
        .filter(duplicate_of__isnull=True, proposed_plot__isnull=False)
        .values_list("pk", flat=True)
    )
    confirmed = left = 0
    for pk in items:
        try:
            intake_confirm(user=user, item_id=pk)
            confirmed += 1
        except (IntakeRefused, ScanRejected):
            left += 1
    return confirmed, left
