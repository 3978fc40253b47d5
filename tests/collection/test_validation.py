"""Field rules of the collection form and import (collection.validation), table-driven."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from collection import validation

TODAY = dt.date(2025, 11, 1)


def clean(**raw):
    return validation.clean_record_values(raw, require_complete=False, today=TODAY)


@pytest.mark.parametrize(
    ("number", "birth", "fragment"),
    [
        ("027045605136", "1945", None),
        ("027 045 605 136", "12/03/1945", None),
        ("027145605136", "", None),  # female, 1945
        ("105032582", "1957", None),  # a 9-digit CMND is accepted in the ID field
        ("02704560513", "1945", "12 chữ số"),
        ("0270456051361", "", "12 chữ số"),
        ("000045605136", "1945", "001 đến 096"),
        ("097045605136", "1945", "001 đến 096"),
        ("027745605136", "", "0, 1, 2 hoặc 3"),
        ("027275605136", "", "tương lai"),  # born 2075
        ("027075605136", "1945", "năm sinh 1975 nhưng năm sinh đã nhập là 1945"),
        ("027245605136", "1945", "năm sinh 2045"),
        ("02704560513a", "", "chỉ gồm chữ số"),
        ("BĐ 123456", "", "giấy chứng nhận"),
        ("bd123456", "", "giấy chứng nhận"),
        ("CH 00120", "", "giấy chứng nhận"),
        ("CS01234", "", "giấy chứng nhận"),
    ],
)
def test_holder_id_number(number, birth, fragment):
    result = clean(holder_id_number=number, holder_birth=birth)
    if fragment is None:
        assert "holder_id_number" not in result.errors
        assert result.values["holder_id_number"] == number.replace(" ", "")
    else:
        assert fragment in " ".join(result.errors["holder_id_number"])


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("", True),
        ("105032582", True),
        ("105.032.582", True),
        ("10503258", False),
        ("027045605136", False),
        ("BĐ 123456", False),
    ],
)
def test_old_id_number_is_nine_digits(number, ok):
    result = clean(holder_old_id_number=number, co_holder_old_id_number=number, co_holder_name="X")
    assert ("holder_old_id_number" not in result.errors) is ok
    assert ("co_holder_old_id_number" not in result.errors) is ok


@pytest.mark.parametrize(
    ("raw", "year", "date", "fragment"),
    [
        ("12/03/1945", 1945, dt.date(1945, 3, 12), None),
        ("1945-03-12", 1945, dt.date(1945, 3, 12), None),
        ("1945", 1945, None, None),
        ("", None, None, None),
        ("31/02/1980", None, None, "không hợp lệ"),
        ("ngày xưa", None, None, "không hợp lệ"),
        ("02/11/2025", None, None, "tương lai"),
        ("2026", None, None, "tương lai"),
    ],
)
def test_birth_date_or_year(raw, year, date, fragment):
    result = clean(holder_birth=raw)
    assert result.values["holder_birth_year"] == year
    assert result.values["holder_birth_date"] == date
    if fragment:
        assert fragment in " ".join(result.errors["holder_birth"])
    else:
        assert "holder_birth" not in result.errors


@pytest.mark.parametrize(
    ("raw", "value", "ok"),
    [
        ("123,5", Decimal("123.50"), True),
        ("2.427,0", Decimal("2427.00"), True),
        ("9999", Decimal("9999.00"), True),
        ("", None, True),
        ("abc", None, False),
        ("0", Decimal("0"), False),
        ("-5", Decimal("-5"), False),
    ],
)
def test_area_accepts_decimal_comma(raw, value, ok):
    result = clean(area_m2=raw)
    assert ("area_m2" not in result.errors) is ok
    if ok:
        assert result.values["area_m2"] == value


@pytest.mark.parametrize(
    ("key", "raw", "expected", "ok"),
    [
        ("land_use", "ont+cln", "CLN+ONT", True),
        ("land_use", "ONT, 12", None, False),
        ("certificate_status", "", "held", True),
        ("certificate_status", "Mortgaged", "mortgaged", True),
        ("certificate_status", "burnt", None, False),
        ("owner_far_away", "có", True, True),
        ("owner_far_away", "0", False, True),
        ("owner_far_away", "maybe", None, False),
        ("channel", "office", "office", True),
        ("channel", "", "", True),
        ("channel", "pigeon", None, False),
    ],
)
def test_coded_fields(key, raw, expected, ok):
    result = clean(**{key: raw})
    assert (key not in result.errors) is ok
    if ok:
        assert result.values[key] == expected


def test_submit_requires_holder_name_but_draft_does_not():
    assert "holder_name" not in clean(holder_name="").errors
    result = validation.clean_record_values({"holder_name": "  "}, require_complete=True, today=TODAY)
    assert "holder_name" in result.errors


def test_co_holder_details_need_a_name():
    assert "co_holder_name" in clean(co_holder_birth="1950").errors
    assert "co_holder_name" not in clean(co_holder_birth="1950", co_holder_name="Lê Thị Bình").errors


def test_names_are_nfc():
    result = clean(holder_name="Đặng  Văn Ha\u0323nh ")
    assert result.values["holder_name"] == "Đặng Văn Hạnh"


@pytest.mark.parametrize(
    ("raw", "ok"),
    [("15/10/2025", True), ("2025-10-15", True), ("2025", False), ("", False), ("02/11/2025", False)],
)
def test_collected_on_is_a_full_past_date(raw, ok):
    value, problem = validation.parse_collected_on(raw, today=TODAY)
    assert (problem is None) is ok
    assert (value == dt.date(2025, 10, 15)) is (ok and True)


@pytest.mark.parametrize("number", ["027075605136", "02704560513", "097045605136", "BĐ 123456"])
def test_lenient_ids_keep_the_number_for_matching(number):
    """The import mode (strict_ids=False) keeps what was written; only the form refuses it."""
    raw = {"holder_id_number": number, "holder_birth": "1945", "holder_old_id_number": number}
    lenient = validation.clean_record_values(raw, require_complete=False, strict_ids=False, today=TODAY)
    strict = validation.clean_record_values(raw, require_complete=False, today=TODAY)
    assert "holder_id_number" not in lenient.errors and "holder_id_number" in strict.errors
    assert lenient.values["holder_id_number"] == number.replace(" ", "")
