"""The call-back list (issue 17.4): special cases that need a second visit or a call, per official.

A record is on the list while one of these holds (the first reasons say what to bring or do):
- the certificate is mortgaged and no certificate photo is attached: bring a photo or a copy;
- the owner is far away and a certificate or ID photo is still missing: call them for photos;
- a `MISSING_DOCUMENTS` flag is open: bring the missing documents;
- the registration office returned the record (or one of its flags): correct it as it asked.

Each row names the plot, its hamlet, the holder, what is needed, the official who answers for it
(the plot's official, else who collected it) and the last contact (the later of the collection day
and the last change). One query for the rows (reasons as EXISTS columns, relations joined), bounded
by `LIMIT`; the XLSX is the same rows, logged as an export of personal data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from collection.export_log import export_log_write, land_users_of_plots
from collection.models import (
    CERTIFICATE_SCAN_KINDS,
    ID_HOLDER_SCAN_KINDS,
    CertificateStatus,
    CollectedRecord,
    ExportLog,
    Role,
    Scan,
)
from collection.plot_assignments import hamlet_filter, hamlet_of
from collection.scope import restrict, user_scope
from collection.stale import responsible
from reports.exports import _open_workbook, _Sheet
from verification.models import OPEN_STATUSES, Flag, FlagCode, FlagStatus

LIMIT = 1000

MORTGAGED = "mortgaged"
FAR_AWAY = "far_away"
MISSING = "missing_documents"
RETURNED = "returned"
REASONS = {
    MORTGAGED: _l("GCN đang thế chấp: mang ảnh chụp hoặc bản sao GCN"),
    FAR_AWAY: _l("Chủ ở xa: gọi điện để chủ gửi ảnh GCN và CCCD"),
    MISSING: _l("Thiếu giấy tờ: bổ sung ảnh GCN hoặc CCCD"),
    RETURNED: _l("Văn phòng đăng ký trả lại: sửa theo ý kiến"),
}


@dataclass(frozen=True)
class CallBack:
    record: CollectedRecord
    hamlet: str
    official: str
    reasons: list[str]  # keys of REASONS
    last_contact: dt.date

    @property
    def needs(self) -> list[str]:
        return [str(REASONS[key]) for key in self.reasons]


def _scans(kinds) -> QuerySet[Scan]:
    return Scan.objects.filter(record=OuterRef("pk"), kind__in=list(kinds))


def _queryset(user, *, hamlet: str = "", official: str = "") -> QuerySet[CollectedRecord]:
    missing_flag = Flag.objects.filter(record=OuterRef("pk"), code=FlagCode.MISSING_DOCUMENTS, status__in=OPEN_STATUSES)
    returned_flag = Flag.objects.filter(record=OuterRef("pk"), status=FlagStatus.RETURNED)
    qs = (
        restrict(CollectedRecord.objects.exclude(status=CollectedRecord.Status.DRAFT), user)
        .select_related("former_commune", "plot__official_assignment__official", "collected_by_user")
        .annotate(
            has_certificate=Exists(_scans(CERTIFICATE_SCAN_KINDS)),
            has_id=Exists(_scans(ID_HOLDER_SCAN_KINDS)),
            missing_flag=Exists(missing_flag),
            returned_flag=Exists(returned_flag),
        )
        .filter(
            Q(certificate_status=CertificateStatus.MORTGAGED, has_certificate=False)
            | Q(owner_far_away=True) & (Q(has_certificate=False) | Q(has_id=False))
            | Q(missing_flag=True)
            | Q(status=CollectedRecord.Status.RETURNED)
            | Q(returned_flag=True)
        )
    )
    if user_scope(user).role == Role.OFFICIAL:
        qs = qs.filter(Q(plot__official_assignment__official=user) | Q(collected_by_user=user))
    if hamlet:
        qs = qs.filter(hamlet_filter(hamlet, field="plot__address"))
    if official:
        qs = qs.filter(
            Q(plot__official_assignment__official__username=official)
            | Q(plot__official_assignment__isnull=True, collected_by=official)
        )
    return qs


def reasons_of(record) -> list[str]:
    """Why the record is on the list, from its columns and the EXISTS annotations (pure)."""
    out = []
    if record.certificate_status == CertificateStatus.MORTGAGED and not record.has_certificate:
        out.append(MORTGAGED)
    if record.owner_far_away and not (record.has_certificate and record.has_id):
        out.append(FAR_AWAY)
    if record.missing_flag:
        out.append(MISSING)
    if record.status == CollectedRecord.Status.RETURNED or record.returned_flag:
        out.append(RETURNED)
    return out


def call_backs(user, *, hamlet: str = "", official: str = "", limit: int = LIMIT) -> list[CallBack]:
    """The list, sorted by official, hamlet, sheet and plot (as read out at a hamlet meeting)."""
    rows = []
    for record in _queryset(user, hamlet=hamlet, official=official)[:limit]:
        last = max(record.collected_on, timezone.localtime(record.updated_at).date())
        address = record.plot.address if record.plot is not None else ""
        rows.append(CallBack(record, hamlet_of(address), responsible(record), reasons_of(record), last))
    return sorted(
        rows,
        key=lambda r: (r.official, r.hamlet, r.record.former_commune_id, r.record.sheet_key, r.record.number_key),
    )


HEADERS = [
    (_l("Cán bộ phụ trách"), 24),
    (_l("Thôn, xóm"), 18),
    (_l("Xã cũ"), 20),
    (_l("Số tờ"), 7),
    (_l("Số thửa"), 8),
    (_l("Người đứng tên"), 26),
    (_l("Cần làm"), 50),
    (_l("Liên hệ lần cuối"), 12),
]


def call_backs_xlsx(*, path: str, user, hamlet: str = "", official: str = "", ip_address: str | None = None) -> int:
    """Write the list to `path` and log the export (it names the holders). Returns the rows written."""
    rows = call_backs(user, hamlet=hamlet, official=official)
    book = _open_workbook(path)
    sheet = _Sheet(book, str(_("Gọi lại")), [str(h) for h, _w in HEADERS], [w for _h, w in HEADERS])
    for row in rows:
        r = row.record
        sheet.write(
            [
                row.official,
                row.hamlet,
                r.former_commune.name,
                r.map_sheet,
                r.plot_number,
                r.holder_name,
                "; ".join(row.needs),
                row.last_contact.strftime("%d/%m/%Y"),
            ]
        )
    sheet.finish()
    book.close()
    export_log_write(
        user=user,
        kind=ExportLog.Kind.CALLBACKS_XLSX,
        land_user_ids=land_users_of_plots(row.record.plot_id for row in rows),
        rows=len(rows),
        scope=str(_("danh sách gọi lại")) + (f" — {hamlet}" if hamlet else "") + (f" — {official}" if official else ""),
        ip_address=ip_address,
    )
    return len(rows)
