"""Vietnamese text, citizen-ID and plot-key rules shared by every app (contract §1, §2).

Pure functions only: no Django imports, so that importers, forms, matching and
tests all apply exactly the same rule.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# --- Unicode and names -------------------------------------------------------

# Combining marks that carry a Vietnamese tone (huyền, sắc, ngã, hỏi, nặng).
_TONE_MARKS = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}
_SPACES = re.compile(r"\s+")


def nfc(text: str | None) -> str:
    """NFC-normalise and trim; registry exports often carry decomposed (NFD) text."""
    if text is None:
        return ""
    text = str(text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", text).strip()


def fold_diacritics(text: str) -> str:
    """Remove every diacritic; đ/Đ become d/D explicitly because they do not decompose."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _syllable_key(word: str) -> str:
    """The syllable without its tone mark, followed by the tone's digit.

    This makes the key independent of where the tone mark sits, so old-style
    `hoà`/`thuý` equal new-style `hòa`/`thúy`.
    """
    tone = ""
    kept = []
    for ch in unicodedata.normalize("NFD", word):
        if ch in _TONE_MARKS:
            tone = _TONE_MARKS[ch]
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)) + tone


@lru_cache(maxsize=65536)
def name_key(name: str | None) -> str:
    """Comparison key of a name: NFC, case folded, spaces collapsed, tone placement normalised."""
    text = nfc(name).casefold()
    return " ".join(_syllable_key(word) for word in text.split(" ") if word)


@lru_cache(maxsize=65536)
def name_folded(name: str | None) -> str:
    """Name with diacritics and case removed, for search typed without diacritics."""
    return fold_diacritics(nfc(name)).casefold()


_UNIT_TYPES = ("thị trấn", "đặc khu", "phường", "xã")


def unit_name_key(name: str | None) -> str:
    """A commune's name as compared across lists: name_key without the unit type ("Phường Nhân Hòa",
    "P. Nhân Hoà", "Nhân Hòa" are one name) nor a trailing "(cũ)"."""
    key = name_key(re.sub(r"\s*\(cũ\)\s*$", "", nfc(name)))
    key = re.sub(r"^(p|x|tt)\. ?", "", key)
    for kind in _UNIT_TYPES:
        kind_key = name_key(kind)
        if key.startswith(kind_key + " "):
            return key[len(kind_key) + 1 :]
    return key


def has_diacritics(text: str | None) -> bool:
    value = nfc(text)
    return fold_diacritics(value) != value


def names_equal(a: str | None, b: str | None) -> bool:
    """Same name under contract §1 (NFC, case, spaces, tone placement); an empty name equals nothing."""
    return bool(nfc(a)) and name_key(a) == name_key(b)


def name_only_lacks_diacritics(collected: str | None, registered: str | None) -> bool:
    """The registry wrote the name without diacritics and it equals the collected one folded."""
    return (
        not has_diacritics(registered)
        and has_diacritics(collected)
        and name_folded(collected) == name_folded(registered)
    )


def names_agree(a: str | None, b: str | None) -> bool:
    """Same person's name: equal, or one side merely written without diacritics (contract §4)."""
    return names_equal(a, b) or name_only_lacks_diacritics(a, b) or name_only_lacks_diacritics(b, a)


def given_name(name: str | None) -> str:
    """The last word of a Vietnamese name (family + middle names + given name)."""
    parts = name_key(name).split(" ")
    return parts[-1] if parts else ""


# --- Citizen IDs -------------------------------------------------------------


class IdKind(enum.StrEnum):
    EMPTY = "empty"
    CMND = "cmnd"
    CCCD = "cccd"
    INVALID = "invalid"


_ID_SEPARATORS = re.compile(r"[\s.\-]")
_CENTURY_BY_DIGIT = {"0": 1900, "1": 1900, "2": 2000, "3": 2000}


def clean_id(raw: str | None) -> str:
    """Digits of an ID as typed: spaces, dots and dashes removed; anything else kept to be judged."""
    if raw.__class__ is str and raw.isdigit() and raw.isascii():  # the common case: nothing to clean
        return raw
    if not raw:  # None or blank, the other common case
        return ""
    text = nfc(str(raw))
    if text.isdigit():
        return text
    if text.endswith(".0") and text[:-2].isdigit():  # a number read back from a spreadsheet cell
        text = text[:-2]
    return _ID_SEPARATORS.sub("", text)


def cccd_birth_year(number: str) -> int | None:
    """Birth year encoded in a 12-digit CCCD, or None if the century digit is not 0-3."""
    century = _CENTURY_BY_DIGIT.get(number[3:4])
    if century is None:
        return None
    return century + int(number[4:6])


def cccd_is_male(number: str) -> bool:
    return int(number[3]) % 2 == 0


def classify_id(raw: str | None, *, birth_year: int | None = None, today: dt.date | None = None) -> IdKind:
    """CCCD (12 digits, province 001-096, century/sex 0-3, year not in the future and
    agreeing with a known birth year), CMND (9 digits), EMPTY or INVALID."""
    number = clean_id(raw)
    if not number:
        return IdKind.EMPTY
    if not number.isdigit() or not number.isascii():
        return IdKind.INVALID
    if len(number) == 9:
        return IdKind.CMND
    if len(number) != 12:
        return IdKind.INVALID
    if not 1 <= int(number[:3]) <= 96:
        return IdKind.INVALID
    year = cccd_birth_year(number)
    current_year = (today or dt.date.today()).year
    if year is None or year > current_year:
        return IdKind.INVALID
    if birth_year is not None and birth_year != year:
        return IdKind.INVALID
    return IdKind.CCCD


def mask_id(raw: str | None) -> str:
    """ID number for lists: only the last three digits shown."""
    number = clean_id(raw)
    if not number:
        return ""
    if len(number) <= 3:
        return "•" * len(number)
    return "•" * (len(number) - 3) + number[-3:]


# --- Certificates ------------------------------------------------------------


def certificate_key(raw: str | None) -> str:
    """Serial or book number ignoring spaces, dots, dashes and case, with Đ read as D."""
    if raw.__class__ is str and raw.isascii():
        key = raw.upper().replace(" ", "")
        if key.isalnum():  # only ASCII letters and digits left: the general rule gives the same
            return key
    return _certificate_key(raw)


@lru_cache(maxsize=65536)
def _certificate_key(raw: str | None) -> str:
    text = nfc(raw).upper().replace("Đ", "D")
    return re.sub(r"[\s.\-_/]", "", text)


# --- Plot keys ---------------------------------------------------------------


@lru_cache(maxsize=65536)
def plot_key_part(raw: str | int | float | None) -> str:
    """Sheet or plot number as compared: an integer when all digits ("012" == "12"),
    otherwise trimmed upper-case text ("45a" == "45A")."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = nfc(str(raw)).upper()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if text.isdigit() and text.isascii():
        return str(int(text))
    return text


@lru_cache(maxsize=65536)
def commune_code(raw: str | int | float | None, *, width: int = 5) -> str:
    """Commune code as text with its leading zeros (spreadsheets drop them: 9265 -> "09265")."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = nfc(str(raw))
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if text.isdigit() and len(text) < width:
        text = text.zfill(width)
    return text


# --- Numbers, dates, codes ---------------------------------------------------


def parse_decimal(raw: str | int | float | Decimal | None) -> Decimal | None:
    """A number with a decimal dot or a Vietnamese decimal comma ("123,5"); None when blank.

    When both separators appear the last one is the decimal mark ("1.234,5").
    Raises ValueError for anything that is not a number.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):  # a TRUE/FALSE spreadsheet cell is not a number (Decimal("True") raised)
        raise ValueError(f"{raw!r} is not a number")
    if isinstance(raw, (Decimal, int, float)):
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw))
        if not value.is_finite():  # NaN / infinity: comparing them later raised InvalidOperation
            raise ValueError(f"{raw!r} is not a number")
        return value
    text = nfc(raw).replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"{raw!r} is not a number") from exc
    if not value.is_finite():
        raise ValueError(f"{raw!r} is not a number")
    return value


@dataclass(frozen=True)
class PartialDate:
    """A birth or issue date that may be known only to the year ("sinh năm 1952")."""

    year: int
    date: dt.date | None = None

    @property
    def is_full(self) -> bool:
        return self.date is not None

    def __str__(self) -> str:
        return self.date.strftime("%d/%m/%Y") if self.date else str(self.year)


def birth_text(year: int | None, date: dt.date | None) -> str:
    """A birth date as shown and typed (dd/mm/yyyy), or only its year when that is all that is known."""
    if date:
        return date.strftime("%d/%m/%Y")
    return str(year) if year else ""


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_YEAR = re.compile(r"^(\d{4})(?:\.0)?$")
MIN_YEAR = 1880


def parse_partial_date(
    raw: str | int | float | dt.date | dt.datetime | None, *, today: dt.date | None = None
) -> PartialDate | None:
    """`dd/mm/yyyy`, `yyyy-mm-dd` or a bare year; None when blank; ValueError otherwise.

    Never invents a day and month for a year-only value.
    """
    if raw is None:
        return None
    today = today or dt.date.today()
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        result = PartialDate(raw.year, raw)
    elif isinstance(raw, (int, float)) and float(raw).is_integer():
        result = PartialDate(int(raw))
    else:
        text = nfc(str(raw))
        if not text:
            return None
        if match := _DMY.match(text):
            day, month, year = (int(g) for g in match.groups())
            result = PartialDate(year, _make_date(year, month, day, raw))
        elif match := _YMD.match(text):
            year, month, day = (int(g) for g in match.groups())
            result = PartialDate(year, _make_date(year, month, day, raw))
        elif match := _YEAR.match(text):
            result = PartialDate(int(match.group(1)))
        else:
            raise ValueError(f"{raw!r} is not a date (dd/mm/yyyy, yyyy-mm-dd or a year)")
    if result.year < MIN_YEAR or result.year > today.year or (result.date and result.date > today):
        raise ValueError(f"{raw!r} is out of range")
    return result


def _make_date(year: int, month: int, day: int, raw: object) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{raw!r} is not a valid date") from exc


@lru_cache(maxsize=65536)
def parse_land_use(raw: str | None) -> frozenset[str]:
    """Land-use codes joined by `+` or `,` ("ONT+CLN") as a set of upper-case codes."""
    text = nfc(raw).upper()
    return frozenset(code.strip() for code in re.split(r"[+,;/]", text) if code.strip())


def format_land_use(codes: frozenset[str] | set[str]) -> str:
    return "+".join(sorted(codes))


_TRUTHY = {"1", "yes", "y", "true", "x", "có", "co"}
_FALSY = {"", "0", "no", "n", "false", "không", "khong"}


def parse_bool(raw: str | int | bool | None) -> bool:
    """`1/0`, `yes/no`, `có/không` (with or without diacritics)."""
    if raw is None:
        return False
    if isinstance(raw, bool):
        return raw
    text = nfc(str(raw)).casefold()
    if text.endswith(".0"):
        text = text[:-2]
    if text in _TRUTHY:
        return True
    if text in _FALSY:
        return False
    raise ValueError(f"{raw!r} is not yes/no (1/0, yes/no, có/không)")


def header_key(raw: str | None) -> str:
    """A column header as matched: case-, space- and diacritic-insensitive."""
    return re.sub(r"[\s_]+", "", fold_diacritics(nfc(raw)).casefold())
