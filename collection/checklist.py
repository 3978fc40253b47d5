"""What a record still lacks before "Gửi": the certificate's pages, both sides of every named person's
CCCD, a note explaining a special case.

The items are data, built from the same constants the matching's MISSING_DOCUMENTS rule uses, so that
the phone can evaluate them without signal (static/js/field/checklist.js reads `checklist_items()`
from the page) and the server the same way (`missing`). A condition names a form field and says
"filled", "checked", "in" or "not_in" a list of values; an item applies when any of its `when`
conditions holds (always, without any) and none of its `unless`; it is satisfied by a photo of one of
its `kinds`, or by its `field` being filled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from collection.models import (
    CERTIFICATE_SCAN_KINDS,
    EXPLAINS_NO_CERTIFICATE_IMAGE,
    CertificateStatus,
    ScanKind,
)


def _filled(field: str) -> dict:
    return {"field": field, "filled": True}


def checklist_items() -> list[dict]:
    """The checklist in the active language, as the page hands it to the phone (json_script)."""
    holder, co_holder = [_filled("holder_name")], [_filled("co_holder_name")]
    special_case = [
        {"field": "certificate_status", "not_in": [CertificateStatus.HELD]},
        {"field": "owner_far_away", "checked": True},
    ]
    return [
        {
            "key": "certificate",
            "label": _("Ảnh giấy chứng nhận (trang có số phát hành)"),
            "kinds": sorted(CERTIFICATE_SCAN_KINDS),
            "unless": [{"field": "certificate_status", "in": sorted(EXPLAINS_NO_CERTIFICATE_IMAGE)}],
        },
        {
            "key": "holder_id_front",
            "label": _("CCCD mặt trước của người đứng tên"),
            "kinds": [ScanKind.ID_FRONT],
            "when": holder,
        },
        {
            "key": "holder_id_back",
            "label": _("CCCD mặt sau của người đứng tên"),
            "kinds": [ScanKind.ID_BACK],
            "when": holder,
        },
        {
            "key": "co_holder_id_front",
            "label": _("CCCD mặt trước của người đồng sở hữu"),
            "kinds": [ScanKind.CO_ID_FRONT],
            "when": co_holder,
        },
        {
            "key": "co_holder_id_back",
            "label": _("CCCD mặt sau của người đồng sở hữu"),
            "kinds": [ScanKind.CO_ID_BACK],
            "when": co_holder,
        },
        {
            "key": "special_case_note",
            "label": _("Ghi chú giải thích trường hợp đặc biệt (thế chấp, mất, hư hỏng, chưa cấp, chủ ở xa)"),
            "field": "notes",
            "when": special_case,
        },
    ]


@dataclass(frozen=True)
class Missing:
    key: str
    label: str


def _holds(condition: Mapping, values: Mapping[str, object]) -> bool:
    value = values.get(condition["field"])
    text = "" if value is None else str(value).strip()
    if condition.get("filled"):
        return bool(text)
    if condition.get("checked"):
        return value is True or text.lower() in {"1", "on", "true"}
    if "in" in condition:
        return text in condition["in"]
    if "not_in" in condition:
        return text not in condition["not_in"]
    raise ValueError(f"unknown condition {condition!r}")


def missing(values: Mapping[str, object], scan_kinds: Iterable[str]) -> list[Missing]:
    """The items of the checklist the record's values and photos do not satisfy yet."""
    kinds = set(scan_kinds)
    out = []
    for item in checklist_items():
        applies = any(_holds(c, values) for c in item["when"]) if "when" in item else True
        if not applies or any(_holds(c, values) for c in item.get("unless", ())):
            continue
        done = bool(kinds & set(item["kinds"])) if "kinds" in item else _holds(_filled(item["field"]), values)
        if not done:
            out.append(Missing(item["key"], item["label"]))
    return out


def slip_texts() -> dict[str, str]:
    """The citizen's slip, in the active language; the phone fills in the plot and what is missing.
    It names the plot and the documents, never an ID number."""
    return {
        "heading": _("GIẤY HẸN BỔ SUNG GIẤY TỜ ĐẤT ĐAI"),
        "plot": _("Thửa đất: %(plot)s"),
        "needed": _("Còn cần bổ sung:"),
        "nothing": _("Đã đủ giấy tờ cần thiết. Cảm ơn ông/bà."),
        "closing": _(
            "Xin chụp ảnh rõ nét và gửi qua Zalo cho cán bộ đã đến nhà, hoặc mang bản gốc đến UBND xã/phường."
        ),
        "date": _("Ngày %(date)s"),
    }
