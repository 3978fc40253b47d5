"""Fuzzing the import reader and the record field rules (issue 6, item 4).

Whatever bytes an official uploads, `landdata.tabular.read_rows` either yields rows or refuses the
file with `ImportFailed` (a message for the user) — never another exception, which would be a 500
or a dead import task. Whatever is typed into a field, `collection.validation` answers with a value
or a validation message — never an exception.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from collection import validation
from landdata.tabular import Column, ImportFailed, read_rows

COLUMNS = [
    Column("registry_id", "Mã hồ sơ", required=True),
    Column("map_sheet", "Số tờ", required=True),
    Column("plot_number", "Số thửa"),
    Column("full_name", "Họ tên"),
]
HEADERS = ["registry_id", "map_sheet", "plot_number", "full_name", "Mã hồ sơ", "Số tờ", "Họ tên", "khác", ""]
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read_all(data: bytes, suffix: str) -> list:
    handle, path = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        try:
            rows = list(read_rows(path, COLUMNS, file_name=f"tep{suffix}"))
        except ImportFailed as exc:
            assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
            return []
    finally:
        os.unlink(path)
    for row_no, row in rows:
        assert isinstance(row_no, int) and row_no >= 1
        assert set(row) == {c.key for c in COLUMNS}
    return rows


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from([".csv", ".xlsx", ".txt"]))
@example(b"", ".csv")
@example(b"\xef\xbb\xbf", ".csv")
@example(b"PK\x03\x04garbage", ".xlsx")
@example(b"registry_id,map_sheet\n\x00\x00", ".csv")
@example(b'registry_id,map_sheet\n"unterminated', ".csv")
@example("Mã hồ sơ;Số tờ\n1;2\n".encode("utf-16"), ".csv")
@example(b"%PDF-1.7", ".csv")
def test_read_rows_on_random_bytes_gives_rows_or_import_failed(data, suffix):
    _read_all(data, suffix)


cell = st.one_of(st.text(max_size=40), st.sampled_from(["", " ", '"', "'", "=1+1", "\r\n", "\x00", ";", "\t"]))


@FUZZ
@given(
    header=st.lists(st.sampled_from(HEADERS), min_size=0, max_size=6),
    rows=st.lists(st.lists(cell, max_size=7), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    bom=st.booleans(),
)
def test_read_rows_on_random_csv_text_gives_rows_or_import_failed(header, rows, delimiter, bom):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    try:
        data = (("\ufeff" if bom else "") + text).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: not encodable, so not a file anyone can upload
        data = text.encode("utf-8", errors="replace")
    _read_all(data, ".csv")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.lists(
            st.one_of(
                st.text(max_size=20).map(lambda s: "".join(ch for ch in s if ch.isprintable())),
                st.integers(min_value=-(10**12), max_value=10**12),
                st.floats(allow_nan=False, allow_infinity=False),
                st.booleans(),
                st.dates(min_value=dt.date(1900, 1, 1)),
                st.none(),
            ),
            max_size=5,
        ),
        max_size=6,
    ),
    header=st.lists(st.sampled_from(HEADERS[:-1]), max_size=5, unique=True),
)
def test_read_rows_on_random_xlsx_gives_rows_or_import_failed(rows, header):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    _read_all(buffer.getvalue(), ".xlsx")


# --- collection.validation -----------------------------------------------------------------------

raw_value = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.text(alphabet="0123456789 .-/", max_size=25),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)
year = st.one_of(st.none(), st.integers(min_value=-5000, max_value=99999))
today = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
VALIDATION = settings(max_examples=300, deadline=None)


@VALIDATION
@given(raw_value, year, st.booleans(), today)
@example("001060012345", 1960, True, dt.date(2025, 1, 1))
@example("BĐ 123456", None, True, dt.date(2025, 1, 1))
@example("999999999999", 1960, False, dt.date(2025, 1, 1))
def test_id_number_rule_answers_none_or_a_message(raw, birth_year, allow_cmnd, day):
    problem = validation.id_number_problem(raw, birth_year=birth_year, allow_cmnd=allow_cmnd, today=day)
    assert problem is None or (isinstance(problem, str) and problem)


@VALIDATION
@given(raw_value)
def test_old_id_rule_answers_none_or_a_message(raw):
    problem = validation.old_id_problem(raw)
    assert problem is None or (isinstance(problem, str) and problem)
    assert isinstance(validation.looks_like_certificate_number(raw), bool)


@VALIDATION
@given(raw_value, today)
@example("29/02/2023", dt.date(2025, 1, 1))
@example("0000", dt.date(2025, 1, 1))
@example("31/12/9999", dt.date(2025, 1, 1))
def test_birth_and_collection_date_rules_answer_a_value_or_a_message(raw, day):
    birth, problem = validation.parse_birth(raw, today=day)
    assert problem is None or (isinstance(problem, str) and problem)
    assert birth is None or problem is None
    collected, problem = validation.parse_collected_on(raw, today=day)
    assert (collected is None) != (problem is None)
    if collected is not None:
        assert isinstance(collected, dt.date) and collected <= day


@VALIDATION
@given(
    st.dictionaries(st.sampled_from(validation.RECORD_KEYS + ("unknown", "collected_on")), raw_value),
    st.booleans(),
    st.booleans(),
    today,
)
@example({"area_m2": "1e999999"}, False, True, dt.date(2025, 1, 1))
@example({"area_m2": "NaN"}, False, True, dt.date(2025, 1, 1))
@example({"area_m2": Decimal("-0")}, False, True, dt.date(2025, 1, 1))
@example({"owner_far_away": "có"}, True, True, dt.date(2025, 1, 1))
@example({"certificate_status": "???", "channel": 5}, True, False, dt.date(2025, 1, 1))
def test_clean_record_values_answers_values_or_messages(raw, require_complete, strict_ids, day):
    cleaned = validation.clean_record_values(raw, require_complete=require_complete, strict_ids=strict_ids, today=day)
    assert isinstance(cleaned.values, dict) and isinstance(cleaned.errors, dict)
    for key, messages in cleaned.errors.items():
        assert messages and all(isinstance(m, str) and m for m in messages), key
    if not cleaned.errors:
        # A clean result fits the model's columns.
        for key in ("holder_id_number", "co_holder_id_number"):
            assert len(cleaned.values.get(key) or "") <= 20
        area = cleaned.values.get("area_m2")
        assert area is None or (isinstance(area, Decimal) and area.is_finite() and abs(area) < Decimal(10) ** 12)
