"""Flags and enrichments as sentences in plain Vietnamese, for the officials' pages and the live check.

Officials never see a flag code, a field key or a raw status: each finding reads as one sentence with
both values (already masked by the caller where they are ID numbers). Reviewers keep the codes beside
these words.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collection.models import CertificateStatus, ScanKind
from verification.models import EnrichmentKind, FlagCode

FIELD_LABELS = {
    "holder_name": gettext_lazy("họ tên người đứng tên"),
    "co_holder_name": gettext_lazy("họ tên đồng sở hữu"),
    "holder_birth": gettext_lazy("ngày sinh của người đứng tên"),
    "co_holder_birth": gettext_lazy("ngày sinh của đồng sở hữu"),
    "holder_id_number": gettext_lazy("số CCCD của người đứng tên"),
    "co_holder_id_number": gettext_lazy("số CCCD của đồng sở hữu"),
    "holder_old_id_number": gettext_lazy("số CMND cũ của người đứng tên"),
    "co_holder_old_id_number": gettext_lazy("số CMND cũ của đồng sở hữu"),
    "certificate_serial": gettext_lazy("số phát hành giấy chứng nhận"),
    "certificate_book_number": gettext_lazy("số vào sổ giấy chứng nhận"),
    "area_m2": gettext_lazy("diện tích"),
    "land_use": gettext_lazy("mục đích sử dụng"),
    "actual_user_name": gettext_lazy("người đang sử dụng đất"),
    "certificate_status": gettext_lazy("tình trạng giấy chứng nhận"),
    "certificate_image": gettext_lazy("ảnh giấy chứng nhận"),
    "id_image": gettext_lazy("ảnh CCCD"),
    "plot_key": gettext_lazy("thửa đất"),
}


def field_label(field: str) -> str:
    """A field key (or a comma list of them, or a scan kind) in words."""
    if "," in field:
        return ", ".join(field_label(part) for part in field.split(",") if part)
    if field in FIELD_LABELS:
        return str(FIELD_LABELS[field])
    if field in ScanKind.values:
        return str(ScanKind(field).label).lower()
    return field


def special_case_words(value: str) -> str:
    """`mortgaged+owner_far_away` as 'đang thế chấp; chủ ở xa'."""
    parts = []
    for part in value.split("+"):
        if part == "owner_far_away":
            parts.append(_("chủ ở xa"))
        elif part in CertificateStatus.values:
            parts.append(str(CertificateStatus(part).label).lower())
        elif part:
            parts.append(part)
    return "; ".join(parts)


def _quoted(value: str) -> str:
    return f"“{value}”" if value else _("(trống)")


def flag_sentence(code: str, field: str, registry: str, collected: str) -> str:
    """One flag in words, with both values. `registry` and `collected` are already masked."""
    what = field_label(field)
    values = {"what": what, "registry": _quoted(registry), "collected": _quoted(collected)}
    if code == FlagCode.OWNER_NAME_MISMATCH:
        return _("Tên khác sổ địa chính (%(what)s): sổ ghi %(registry)s, thu thập %(collected)s.") % values
    if code == FlagCode.ID_NUMBER_MISMATCH:
        return _("Số giấy tờ khác sổ địa chính (%(what)s): sổ ghi %(registry)s, thu thập %(collected)s.") % values
    if code == FlagCode.ID_INVALID:
        return _("%(what)s %(collected)s không đúng quy tắc số CCCD/CMND: hãy đọc lại trên thẻ.") % {
            **values,
            "what": what[:1].upper() + what[1:],
        }
    if code == FlagCode.ID_CONFLICT:
        return _("Số CCCD/CMND %(collected)s đã được ghi cho một người khác: văn phòng đăng ký sẽ xem xét.") % values
    if code == FlagCode.BIRTH_MISMATCH:
        return _("Năm sinh khác sổ địa chính (%(what)s): sổ ghi %(registry)s, thu thập %(collected)s.") % values
    if code == FlagCode.CERTIFICATE_MISMATCH:
        return _("Giấy chứng nhận khác sổ địa chính (%(what)s): sổ ghi %(registry)s, thu thập %(collected)s.") % values
    if code == FlagCode.AREA_MISMATCH:  # with the decimal comma Vietnamese write
        return _("Diện tích khác sổ địa chính: sổ ghi %(registry)s m², thu thập %(collected)s m².") % {
            "registry": _quoted(registry.replace(".", ",")),
            "collected": _quoted(collected.replace(".", ",")),
        }
    if code == FlagCode.LAND_USE_MISMATCH:
        return _("Mục đích sử dụng khác sổ địa chính: sổ ghi %(registry)s, thu thập %(collected)s.") % values
    if code == FlagCode.USER_NOT_HOLDER:
        return _("Người đang sử dụng đất %(collected)s không phải người đứng tên %(registry)s.") % values
    if code == FlagCode.CERTIFICATE_STATUS:
        return _("Trường hợp đặc biệt: %(case)s. Văn phòng đăng ký sẽ xem xét.") % {
            "case": special_case_words(collected)
        }
    if code == FlagCode.MISSING_DOCUMENTS:
        return _("Còn thiếu %(what)s.") % values
    if code == FlagCode.PLOT_NOT_IN_REGISTRY:
        return _("Thửa đất này không có trong sổ địa chính: kiểm tra lại số tờ, số thửa và xã cũ.")
    if code == FlagCode.DUPLICATE_RECORD:
        return _("Thửa này có một bản ghi khác ghi khác về: %(what)s.") % values
    if code == FlagCode.DUPLICATE_SCAN:
        return _("Ảnh %(what)s trùng với ảnh đã gắn cho một thửa khác.") % values
    return str(FlagCode(code).label) if code in FlagCode.values else code


def enrichment_sentence(kind: str, field: str, registry: str, collected: str) -> str:
    """What a record adds to the registry ("bổ sung"), in words."""
    values = {"what": field_label(field), "registry": _quoted(registry), "collected": _quoted(collected)}
    if kind == EnrichmentKind.CCCD and registry:
        return _("Bổ sung số CCCD mới %(collected)s thay cho %(registry)s trong sổ (%(what)s).") % values
    if kind == EnrichmentKind.CCCD:
        return _("Bổ sung số CCCD %(collected)s: sổ địa chính chưa có (%(what)s).") % values
    if kind == EnrichmentKind.BIRTH_DATE:
        return _("Bổ sung ngày sinh đầy đủ %(collected)s: sổ chỉ ghi năm %(registry)s.") % values
    if kind == EnrichmentKind.DIACRITICS:
        return _("Bổ sung dấu cho tên: sổ ghi %(registry)s, thu thập %(collected)s.") % values
    if kind == EnrichmentKind.ACTUAL_USER:
        return _("Bổ sung người đang sử dụng đất: %(collected)s.") % values
    if kind == EnrichmentKind.CO_HOLDER:
        return _("Bổ sung người đồng sở hữu: %(collected)s.") % values
    return str(EnrichmentKind(kind).label) if kind in EnrichmentKind.values else kind
