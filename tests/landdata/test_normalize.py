"""Table-driven tests of every rule in landdata.normalize (contract §1, §2)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

import pytest

from landdata import normalize
from landdata.normalize import IdKind, PartialDate

TODAY = dt.date(2025, 11, 1)
NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("  Trần   Thị  Long ", "Trần Thị Long"),
        (NFD("Nguyễn Văn Hạnh"), "Nguyễn Văn Hạnh"),
        ("a\tb\nc", "a b c"),
        (123, "123"),
    ],
)
def test_nfc(raw, expected):
    assert normalize.nfc(raw) == expected
    assert unicodedata.is_normalized("NFC", normalize.nfc(raw))


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ("Nguyễn Văn Hạnh", NFD("Nguyễn Văn Hạnh"), True),  # NFC vs NFD
        ("NGUYỄN VĂN HẠNH", "nguyễn văn hạnh", True),  # case
        ("Nguyễn  Văn   Hạnh ", "Nguyễn Văn Hạnh", True),  # spaces
        ("Lê Thị Hoà", "Lê Thị Hòa", True),  # old-style tone placement
        ("Phạm Thị Thuý", "Phạm Thị Thúy", True),
        ("Nguyễn Văn Bình", "Nguyễn Văn Minh", False),
        ("Lê Văn Hạnh", "Lê Văn Hanh", False),  # a tone is a different name
        ("Đặng Văn An", "Dặng Văn An", False),  # đ is not d under the name rule
    ],
)
def test_name_key(a, b, equal):
    assert (normalize.name_key(a) == normalize.name_key(b)) is equal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Đặng Văn Hạnh", "dang van hanh"),
        ("ĐỖ THỊ THUÝ", "do thi thuy"),
        (NFD("Nguyễn Văn Hạnh"), "nguyen van hanh"),
        ("", ""),
        (None, ""),
    ],
)
def test_name_folded(raw, expected):
    assert normalize.name_folded(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Đặng", "Dang"), ("đ", "d"), ("Hòa", "Hoa"), ("abc", "abc")],
)
def test_fold_diacritics(raw, expected):
    assert normalize.fold_diacritics(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Nguyen Van An", False), ("Nguyễn Văn An", True), ("Dang", False), ("Đang", True), (None, False)],
)
def test_has_diacritics(raw, expected):
    assert normalize.has_diacritics(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Nguyễn Văn Hạnh", normalize.name_key("hạnh")), ("An", "an"), ("", "")],
)
def test_given_name(raw, expected):
    assert normalize.given_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "birth_year", "expected"),
    [
        ("027045605136", None, IdKind.CCCD),  # male born 1945 in Bắc Ninh
        ("027 045 605 136", 1945, IdKind.CCCD),  # spaces ignored
        ("001301000001", 2001, IdKind.CCCD),  # female born 2001
        ("096099123456", 1999, IdKind.CCCD),  # last province code
        ("000045605136", None, IdKind.INVALID),  # province 000
        ("097045605136", None, IdKind.INVALID),  # province 097
        ("027445605136", None, IdKind.INVALID),  # century digit 4
        ("027945605136", None, IdKind.INVALID),  # century digit 9
        ("027230123456", None, IdKind.INVALID),  # born 2030: in the future
        ("027045605136", 1946, IdKind.INVALID),  # year digits contradict birth year
        ("105032582", None, IdKind.CMND),  # 9-digit CMND
        ("105032582.0", None, IdKind.CMND),  # read back from a spreadsheet cell
        ("BĐ123456", None, IdKind.INVALID),  # letters: a certificate serial
        ("1234567890", None, IdKind.INVALID),  # 10 digits
        ("12345678901", None, IdKind.INVALID),  # 11 digits
        ("", None, IdKind.EMPTY),
        (None, None, IdKind.EMPTY),
    ],
)
def test_classify_id(raw, birth_year, expected):
    assert normalize.classify_id(raw, birth_year=birth_year, today=TODAY) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("027 045-605.136", "027045605136"), ("105032582.0", "105032582"), (None, ""), ("CH 00120", "CH00120")],
)
def test_clean_id(raw, expected):
    assert normalize.clean_id(raw) == expected


@pytest.mark.parametrize(
    ("number", "year", "male"),
    [("027045605136", 1945, True), ("001301000001", 2001, False), ("027145605136", 1945, False)],
)
def test_cccd_birth_year_and_sex(number, year, male):
    assert normalize.cccd_birth_year(number) == year
    assert normalize.cccd_is_male(number) is male


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("027045605136", "•••••••••136"), ("105032582", "••••••582"), ("12", "••"), ("", ""), (None, "")],
)
def test_mask_id(raw, expected):
    assert normalize.mask_id(raw) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [("BĐ 123456", "bd123456"), ("AN-065.845", "an065845"), (" CH 00120 ", "ch00120"), ("bđ 123456", "BD123456")],
)
def test_certificate_key_equal(a, b):
    assert normalize.certificate_key(a) == normalize.certificate_key(b)


def test_certificate_key_differs():
    assert normalize.certificate_key("BĐ 123456") != normalize.certificate_key("BĐ 123457")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("012", "12"),
        ("12", "12"),
        (12, "12"),
        (12.0, "12"),
        ("12.0", "12"),
        ("45a", "45A"),
        (" 45A ", "45A"),
        ("0", "0"),
        (None, ""),
    ],
)
def test_plot_key_part(raw, expected):
    assert normalize.plot_key_part(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("09265", "09265"),
        (9265, "09265"),
        (9265.0, "09265"),
        ("9265", "09265"),
        ("9265.0", "09265"),
        ("27", "00027"),
        ("abc", "abc"),
        (None, ""),
    ],
)
def test_commune_code(raw, expected):
    assert normalize.commune_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("123,5", Decimal("123.5")),
        ("123.5", Decimal("123.5")),
        ("2.427,0", Decimal("2427.0")),
        ("2,427.0", Decimal("2427.0")),
        ("1 234,5", Decimal("1234.5")),
        (250, Decimal("250")),
        (230.8, Decimal("230.8")),
        ("", None),
        (None, None),
    ],
)
def test_parse_decimal(raw, expected):
    assert normalize.parse_decimal(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "12a", "1,2,3", "nan", "inf"])
def test_parse_decimal_refuses(raw):
    with pytest.raises(ValueError):
        normalize.parse_decimal(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05/03/1952", PartialDate(1952, dt.date(1952, 3, 5))),
        ("5/3/1952", PartialDate(1952, dt.date(1952, 3, 5))),
        ("1952-03-05", PartialDate(1952, dt.date(1952, 3, 5))),
        ("1941", PartialDate(1941)),
        (1941.0, PartialDate(1941)),
        (1941, PartialDate(1941)),
        (dt.date(2010, 2, 1), PartialDate(2010, dt.date(2010, 2, 1))),
        (dt.datetime(2010, 2, 1, 0, 0), PartialDate(2010, dt.date(2010, 2, 1))),
        ("", None),
        (None, None),
    ],
)
def test_parse_partial_date(raw, expected):
    assert normalize.parse_partial_date(raw, today=TODAY) == expected


@pytest.mark.parametrize("raw", ["31/02/1960", "1960-13-01", "2030", "01/01/2026", "1700", "hôm qua", "12/1960"])
def test_parse_partial_date_refuses(raw):
    with pytest.raises(ValueError):
        normalize.parse_partial_date(raw, today=TODAY)


def test_partial_date_never_invents_day_and_month():
    value = normalize.parse_partial_date("1952", today=TODAY)
    assert not value.is_full and value.date is None and str(value) == "1952"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ONT+CLN", {"ONT", "CLN"}), ("ont, cln", {"ONT", "CLN"}), ("LUC", {"LUC"}), ("", set()), (None, set())],
)
def test_parse_land_use(raw, expected):
    assert normalize.parse_land_use(raw) == frozenset(expected)


def test_format_land_use_is_canonical():
    assert normalize.format_land_use(normalize.parse_land_use("ONT+CLN")) == "CLN+ONT"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("có", True),
        ("Có", True),
        ("co", True),
        ("1", True),
        (1, True),
        ("1.0", True),
        ("yes", True),
        (True, True),
        ("không", False),
        ("khong", False),
        ("0", False),
        ("no", False),
        ("", False),
        (None, False),
    ],
)
def test_parse_bool(raw, expected):
    assert normalize.parse_bool(raw) is expected


def test_parse_bool_refuses():
    with pytest.raises(ValueError):
        normalize.parse_bool("có lẽ")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mã hồ sơ", "MÃ HỒ SƠ"),
        ("Mã xã cũ", "ma xa cu"),
        ("Họ tên chủ sử dụng", NFD("họ  tên chủ sử dụng")),
        ("registry_id", "Registry ID"),
        ("Số giấy tờ tùy thân", "so giay to tuy than"),
    ],
)
def test_header_key_equal(a, b):
    assert normalize.header_key(a) == normalize.header_key(b)


def test_header_key_distinguishes_columns():
    assert normalize.header_key("Mã xã") != normalize.header_key("Mã xã cũ")
