"""Field rules of a collected record (contract §2.3), shared by the web form and import_collection.

Pure functions over raw values (strings as typed or read from a spreadsheet cell):
each returns cleaned model values and a message per bad field, in Vietnamese, that
says exactly what is wrong, so the form shows it next to the field and the import
prints it as `row N: column: problem`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from collection.models import CertificateStatus, Channel
from landdata import normalize

# Keys the form and the import share (contract §2.3, plus the co-holder's former CMND).
RECORD_KEYS = (
    "holder_name",
    "holder_birth",
    "holder_id_number",
    "holder_old_id_number",
    "co_holder_name",
    "co_holder_birth",
    "co_holder_id_number",
    "co_holder_old_id_number",
    "certificate_serial",
    "certificate_book_number",
    "area_m2",
    "land_use",
    "actual_user_name",
    "certificate_status",
    "owner_far_away",
    "channel",
    "notes",
)
REQUIRED_ON_SUBMIT = ("holder_name",)

# A certificate serial (2 letters + 6-8 digits, "BĐ 123456") or a book entry number
# ("CH 00120", "CS01234", "VP 12") — neither is an ID number (domain notes).
_CERTIFICATE_LIKE = re.compile(r"^(?:[A-Z]{2}\d{6,8}|(?:CH|CS|VP|CN|CT|DC|TC)\d{1,8})$")
_MAX_TEXT = {
    "holder_name": 200,
    "co_holder_name": 200,
    "actual_user_name": 200,
    "land_use": 100,
    "certificate_serial": 40,
    "certificate_book_number": 40,
}


@dataclass
class Cleaned:
    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)


def _text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return normalize.nfc(str(raw))


def looks_like_certificate_number(raw: object) -> bool:
    """True for a certificate serial or book number typed where an ID number belongs."""
    key = normalize.certificate_key(_text(raw))
    return bool(_CERTIFICATE_LIKE.match(key))


def id_number_problem(
    raw: object, *, birth_year: int | None, allow_cmnd: bool = True, today: dt.date | None = None
) -> str | None:
    """Why an ID typed as the holder's CCCD is wrong, or None when it is empty or valid."""
    text = _text(raw)
    number = normalize.clean_id(text)
    if not number:
        return None
    if looks_like_certificate_number(text):
        return _("Đây là số phát hành hoặc số vào sổ của giấy chứng nhận, không phải số CCCD/CMND.")
    if not (number.isdigit() and number.isascii()):
        return _("Số CCCD/CMND chỉ gồm chữ số; đã nhập: %(value)s.") % {"value": text}
    if len(number) == 9 and allow_cmnd:
        return None
    if len(number) != 12:
        if allow_cmnd:
            return _("Số CCCD phải có 12 chữ số (CMND cũ: 9 chữ số); đã nhập %(n)d chữ số.") % {"n": len(number)}
        return _("Số CCCD phải có 12 chữ số; đã nhập %(n)d chữ số.") % {"n": len(number)}
    province = int(number[:3])
    if not 1 <= province <= 96:
        return _("Ba chữ số đầu (mã tỉnh nơi đăng ký khai sinh) phải từ 001 đến 096; đang là %(code)s.") % {
            "code": number[:3]
        }
    year = normalize.cccd_birth_year(number)
    if year is None:
        return _("Chữ số thứ 4 (thế kỷ và giới tính) phải là 0, 1, 2 hoặc 3; đang là %(d)s.") % {"d": number[3]}
    current = (today or dt.date.today()).year
    if year > current:
        return _("Chữ số thứ 4 đến 6 cho năm sinh %(year)d, là năm trong tương lai.") % {"year": year}
    if birth_year is not None and birth_year != year:
        return _("Chữ số thứ 4 đến 6 cho năm sinh %(id_year)d nhưng năm sinh đã nhập là %(birth_year)d.") % {
            "id_year": year,
            "birth_year": birth_year,
        }
    return None


def old_id_problem(raw: object) -> str | None:
    """Why a former CMND is wrong: it must be 9 digits."""
    text = _text(raw)
    number = normalize.clean_id(text)
    if not number:
        return None
    if looks_like_certificate_number(text):
        return _("Đây là số phát hành hoặc số vào sổ của giấy chứng nhận, không phải số CMND.")
    if not (number.isdigit() and number.isascii()) or len(number) != 9:
        return _("Số CMND cũ phải có đúng 9 chữ số; đã nhập: %(value)s.") % {"value": text}
    return None


def parse_birth(raw: object, *, today: dt.date | None = None) -> tuple[normalize.PartialDate | None, str | None]:
    """A birth date or year; a message when it is not a date or lies in the future."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    try:
        return normalize.parse_partial_date(raw, today=today), None
    except ValueError:
        text = _text(raw)
        if re.fullmatch(r"\d{4}", text) and int(text) > (today or dt.date.today()).year:
            return None, _("Năm sinh %(value)s ở tương lai.") % {"value": text}
        try:
            parsed = normalize.parse_partial_date(raw, today=dt.date(9999, 12, 31))
        except ValueError:
            parsed = None
        if parsed is not None and parsed.year >= normalize.MIN_YEAR:
            return None, _("Ngày sinh %(value)s ở tương lai.") % {"value": text}
        return None, _(
            "Ngày sinh không hợp lệ: nhập dd/mm/yyyy, yyyy-mm-dd hoặc chỉ năm (yyyy); đã nhập: %(value)s."
        ) % {"value": text}


def parse_collected_on(raw: object, *, today: dt.date | None = None) -> tuple[dt.date | None, str | None]:
    """The collection date: a full date, not in the future."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, _("Bắt buộc nhập ngày thu thập.")
    today = today or dt.date.today()
    try:
        parsed = normalize.parse_partial_date(raw, today=dt.date(9999, 12, 31))
    except ValueError:
        parsed = None
    if parsed is None or parsed.date is None:
        return None, _("Ngày thu thập không hợp lệ: nhập dd/mm/yyyy hoặc yyyy-mm-dd; đã nhập: %(value)s.") % {
            "value": _text(raw)
        }
    if parsed.date > today:
        return None, _("Ngày thu thập %(value)s ở tương lai.") % {"value": parsed}
    return parsed.date, None


def clean_record_values(
    raw: Mapping[str, object], *, require_complete: bool, strict_ids: bool = True, today: dt.date | None = None
) -> Cleaned:
    """Validate the §2.3 fields of one record and map them onto CollectedRecord fields.

    `require_complete` is set when submitting (and importing): required fields must be present.
    `strict_ids` (the form) refuses an ID number that breaks the CCCD/CMND rules, so the official
    corrects it on the spot. An import keeps such a number as written (strict_ids=False): it is a
    finding about the data, which matching reports as ID_INVALID (contract §4), not a malformed row.
    Missing keys are treated as blank.
    """
    out = Cleaned()
    _clean_texts(raw, out)
    for prefix in ("holder", "co_holder"):
        _clean_person(raw, prefix, out, strict_ids=strict_ids, today=today)
    _clean_area(raw, out)
    _clean_land_use(raw, out)
    _clean_choices(raw, out)
    if require_complete:
        for key in REQUIRED_ON_SUBMIT:
            if not out.values.get(key):
                out.add(key, _("Bắt buộc nhập trước khi gửi."))
    if not out.values["co_holder_name"] and (out.values["co_holder_id_number"] or out.values["co_holder_birth_year"]):
        out.add("co_holder_name", _("Nhập họ tên đồng sở hữu khi đã nhập ngày sinh hoặc số CCCD của người này."))
    return out


def _clean_texts(raw: Mapping[str, object], out: Cleaned) -> None:
    for key in ("holder_name", "co_holder_name", "actual_user_name", "certificate_serial", "certificate_book_number"):
        value = _text(raw.get(key))
        if len(value) > _MAX_TEXT[key]:
            out.add(key, _("Tối đa %(n)d ký tự.") % {"n": _MAX_TEXT[key]})
        out.values[key] = value
    notes = raw.get("notes")
    # A note typed in the form keeps the official's line breaks; a spreadsheet cell is normalised.
    out.values["notes"] = notes.strip() if isinstance(notes, str) else _text(notes)


def _clean_person(
    raw: Mapping[str, object], prefix: str, out: Cleaned, *, strict_ids: bool, today: dt.date | None
) -> None:
    """Birth date or year, CCCD and former CMND of the holder or co-holder."""
    birth, problem = parse_birth(raw.get(f"{prefix}_birth"), today=today)
    if problem:
        out.add(f"{prefix}_birth", problem)
    out.values[f"{prefix}_birth_year"] = birth.year if birth else None
    out.values[f"{prefix}_birth_date"] = birth.date if birth else None
    checks = (
        ("id_number", lambda value: id_number_problem(value, birth_year=birth.year if birth else None, today=today)),
        ("old_id_number", old_id_problem),
    )
    for suffix, problem_of in checks:
        key = f"{prefix}_{suffix}"
        value = raw.get(key)
        problem = problem_of(value)
        if problem and strict_ids:
            out.add(key, problem)
        out.values[key] = normalize.clean_id(value)  # type: ignore[arg-type]
        if len(out.values[key]) > 20:  # type: ignore[arg-type]
            out.add(key, _("Số giấy tờ quá dài (tối đa 20 ký tự)."))


def _clean_area(raw: Mapping[str, object], out: Cleaned) -> None:
    try:
        area = normalize.parse_decimal(raw.get("area_m2"))  # type: ignore[arg-type]
    except ValueError:
        out.add(
            "area_m2",
            _("Diện tích phải là số (dấu phẩy hoặc dấu chấm thập phân, ví dụ 123,5); đã nhập: %(value)s.")
            % {"value": _text(raw.get("area_m2"))},
        )
        area = None
    if area is not None and area <= 0:
        out.add("area_m2", _("Diện tích phải lớn hơn 0."))
    elif area is not None and area >= 10**12:
        out.add("area_m2", _("Diện tích quá lớn."))
    elif area is not None:
        area = area.quantize(Decimal("0.01"))
    out.values["area_m2"] = area


def _clean_land_use(raw: Mapping[str, object], out: Cleaned) -> None:
    codes = normalize.parse_land_use(_text(raw.get("land_use")))
    bad = sorted(c for c in codes if not re.fullmatch(r"[A-Z]{2,4}", c))
    if bad:
        out.add(
            "land_use", _("Mã mục đích sử dụng không hợp lệ: %(codes)s (ví dụ: ONT+CLN).") % {"codes": ", ".join(bad)}
        )
    out.values["land_use"] = normalize.format_land_use(codes)


def _clean_choices(raw: Mapping[str, object], out: Cleaned) -> None:
    """Certificate status, owner far away, channel."""
    status = _text(raw.get("certificate_status")).casefold() or CertificateStatus.HELD
    if status not in CertificateStatus.values:
        out.add(
            "certificate_status",
            _("Tình trạng GCN phải là một trong: %(values)s.") % {"values": ", ".join(CertificateStatus.values)},
        )
    out.values["certificate_status"] = status
    try:
        out.values["owner_far_away"] = normalize.parse_bool(raw.get("owner_far_away"))  # type: ignore[arg-type]
    except ValueError:
        out.add("owner_far_away", _("Chủ ở xa phải là 1/0, yes/no hoặc có/không."))
        out.values["owner_far_away"] = False
    channel = _text(raw.get("channel")).casefold()
    if channel and channel not in Channel.values:
        out.add("channel", _("Hình thức phải là một trong: %(values)s.") % {"values": ", ".join(Channel.values)})
    out.values["channel"] = channel
