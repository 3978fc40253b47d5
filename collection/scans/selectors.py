"""Reads for scans: what the record's panel and gallery show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from collection.models import CO_HOLDER_SCAN_KINDS, CollectedRecord, Scan
from collection.scans.processing import QualityIssue
from collection.scans.qr import CccdQr, parse_cccd_qr
from collection.scans.services import ERROR_MESSAGES
from landdata import normalize

QUALITY_LABELS = {
    QualityIssue.BLURRED.value: _("Ảnh mờ, nên chụp lại"),
    QualityIssue.LOW_RESOLUTION.value: _("Độ phân giải thấp"),
}


@dataclass(frozen=True)
class ScanCard:
    scan: Scan
    quality_labels: tuple[str, ...]
    error_label: str
    used_on_other_plot: bool
    qr: CccdQr | None
    fill_prefix: str  # "holder_" or "co_holder_": which inputs the QR fills

    @property
    def pending(self) -> bool:
        return self.scan.status == Scan.Status.PENDING


def _card(scan: Scan, duplicated: set[str]) -> ScanCard:
    qr = parse_cccd_qr(scan.qr_payload) if scan.qr_payload and scan.is_id_card else None
    return ScanCard(
        scan=scan,
        quality_labels=tuple(QUALITY_LABELS.get(code, code) for code in scan.quality_note.split() if code),
        error_label=str(ERROR_MESSAGES.get(scan.error, scan.error)) if scan.error else "",
        used_on_other_plot=scan.sha256 in duplicated,
        qr=qr,
        fill_prefix="co_holder_" if scan.kind in CO_HOLDER_SCAN_KINDS else "holder_",
    )


def record_scan_cards(*, record: CollectedRecord) -> list[ScanCard]:
    """The record's scans, oldest first, with the same image found on another plot flagged.

    Two queries whatever the number of scans. The other plot is not named: the user may
    not be allowed to see it.
    """
    scans = list(Scan.objects.filter(record=record).order_by("uploaded_at", "pk"))
    hashes = {scan.sha256 for scan in scans}
    duplicated: set[str] = set()
    if hashes:
        duplicated = set(
            Scan.objects.filter(sha256__in=hashes)
            .exclude(record=record)
            .exclude(
                record__former_commune_id=record.former_commune_id,
                record__sheet_key=record.sheet_key,
                record__number_key=record.number_key,
            )
            .values_list("sha256", flat=True)
        )
    return [_card(scan, duplicated) for scan in scans]


def read_suggestions(*, record: CollectedRecord, values: Mapping[str, object]) -> dict[str, dict]:
    """Fields read from the record's photos (OCR of a certificate page) that differ from what the form
    holds: shown beside the field as "đọc từ ảnh — hãy kiểm tra", never written by themselves."""
    out: dict[str, dict] = {}
    for fields in (
        record.scans.filter(status=Scan.Status.READY).exclude(text_fields={}).values_list("text_fields", flat=True)
    ):
        for name, reading in fields.items():
            current = str(values.get(name) or "").strip()
            if reading.get("value") and normalize.nfc(reading["value"]) != normalize.nfc(current):
                out.setdefault(name, reading)
    return out
