"""The QR code printed on a chip-based citizen ID card (CCCD), parsed tolerantly.

2021 card: ``ID|CMND|full name|ddmmyyyy|sex|address|issue ddmmyyyy`` (UTF-8, sex Nam/Nữ,
CMND empty when the person never had one). The 2024 card appends fields in an order not
confirmed, so anything after the seventh part is ignored, and six parts (no issue date)
are accepted. Anything else is "not a CCCD QR": None, never an exception.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from landdata.normalize import IdKind, classify_id, clean_id, nfc

_DDMMYYYY = re.compile(r"^\d{8}$")
_SEXES = {"nam": "Nam", "nữ": "Nữ"}


@dataclass(frozen=True)
class CccdQr:
    id_number: str
    old_id_number: str  # former 9-digit CMND, "" when none
    name: str
    birth_date: dt.date
    sex: str  # "Nam" or "Nữ"
    address: str
    issue_date: dt.date | None

    @property
    def birth_text(self) -> str:
        """Birth date as the forms expect it (dd/mm/yyyy)."""
        return self.birth_date.strftime("%d/%m/%Y")


def _date(text: str, *, today: dt.date) -> dt.date | None:
    if not _DDMMYYYY.match(text):
        return None
    try:
        value = dt.date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        return None
    return value if dt.date(1880, 1, 1) <= value <= today else None


def parse_cccd_qr(text: str | None, *, today: dt.date | None = None) -> CccdQr | None:
    """The card's fields, or None when `text` is not a valid CCCD QR payload."""
    if not text or not isinstance(text, str):
        return None
    today = today or dt.date.today()
    parts = [nfc(part) for part in nfc(text.lstrip("\ufeff")).split("|")]
    if len(parts) < 6:
        return None
    raw_id, raw_old, name, raw_birth, raw_sex, address = parts[:6]
    birth = _date(raw_birth, today=today)
    if birth is None:
        return None
    id_number = clean_id(raw_id)
    if classify_id(id_number, birth_year=birth.year, today=today) is not IdKind.CCCD:
        return None
    old_id = clean_id(raw_old)
    if old_id and classify_id(old_id) is not IdKind.CMND:
        return None
    if not name or any(ch.isdigit() for ch in name):
        return None
    sex = _SEXES.get(raw_sex.casefold())
    if sex is None:
        return None
    issue_date = None
    if len(parts) >= 7 and parts[6]:
        issue_date = _date(parts[6], today=today)
        if issue_date is None or issue_date < birth:
            return None
    return CccdQr(
        id_number=id_number,
        old_id_number=old_id,
        name=name,
        birth_date=birth,
        sex=sex,
        address=address,
        issue_date=issue_date,
    )
