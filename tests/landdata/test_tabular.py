"""The shared CSV/XLSX reader: headers in two languages, row numbers, whole-file refusals."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from landdata.tabular import Column, ImportFailed, RowErrors, estimate_rows, file_kind, read_rows, text_value
from tests.landdata.conftest import write_xlsx

COLUMNS = [Column("code", "Mã xã", required=True), Column("name", "Tên xã", required=True), Column("note", "Ghi chú")]


def rows_of(path):
    return list(read_rows(path, COLUMNS))


@pytest.mark.parametrize(
    "header",
    [
        "code,name",
        "Mã xã,Tên xã",
        "MÃ XÃ , tên  xã",
        "ma xa,ten xa",
        unicodedata.normalize("NFD", "Mã xã,Tên xã"),
        "Code,Name,Extra column",
    ],
)
def test_headers_in_either_language_any_case_spacing_or_diacritics(tmp_path, header):
    path = tmp_path / "f.csv"
    path.write_text(f"{header}\n09000,Phường Đông\n", encoding="utf-8")
    assert rows_of(path) == [(2, {"code": "09000", "name": "Phường Đông", "note": None})]


def test_row_numbers_count_blank_lines_and_quoted_newlines_like_a_spreadsheet(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('code,name\n1,"a\nb"\n\n3,  c   d \n', encoding="utf-8")
    assert rows_of(path) == [
        (2, {"code": "1", "name": "a b", "note": None}),
        (4, {"code": "3", "name": "c d", "note": None}),
    ]


def test_bom_semicolon_and_nfd_text(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("\ufeffMã xã;Tên xã\n09000;".encode() + unicodedata.normalize("NFD", "Hoà Bình").encode() + b"\n")
    [(row_no, row)] = rows_of(path)
    assert row_no == 2 and row["name"] == unicodedata.normalize("NFC", "Hoà Bình")


def test_xlsx_rows_dates_and_numbers(tmp_path):
    path = write_xlsx(
        tmp_path / "f.xlsx",
        [[9265, "Xã A", dt.date(2010, 2, 1)], [None, None, None], ["09268", "Xã B", ""]],
        header=["Mã xã", "Tên xã", "Ghi chú"],
    )
    assert file_kind(path) == "xlsx"
    rows = rows_of(path)
    assert [r[0] for r in rows] == [2, 4]
    assert rows[0][1]["code"] == 9265.0 and rows[0][1]["note"] == dt.date(2010, 2, 1)
    assert rows[1][1] == {"code": "09268", "name": "Xã B", "note": None}
    assert estimate_rows(path) == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "rỗng"),
        (b"%PDF-1.4 something", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
        (b"PK\x03\x04 not really a workbook", "XLSX"),
        (b"abc\x00def", "nhị phân"),
        (b"code,name\n" + "09000,Hà Đông\n".encode("cp1258"), "CSV UTF-8"),
        (b"code\n09000\n", "name (Tên xã)"),
        (b"\n\n", "tiêu đề"),
    ],
)
def test_whole_file_problems(tmp_path, content, message):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFailed) as info:
        rows_of(path)
    assert message in info.value.problems[0] and info.value.problems[0].startswith("f.csv: ")


@pytest.mark.parametrize(
    ("before", "bad", "line"),
    [
        (b"", b"\xff", 2),  # in the first block the reader decodes
        ("09000,Hà Đông\n".encode() * 30_000, b"\xff", 30_002),  # half a megabyte into the file
        ("09000,Hà Đông\n".encode() * 80_000, "Đ".encode()[:1], 80_002),  # a character cut at the end
    ],
)
def test_a_byte_that_is_not_utf8_is_named_by_its_line(tmp_path, before, bad, line):
    """The line a person can find in an editor, not the byte's place in a block the reader decoded."""
    path = tmp_path / "f.csv"
    path.write_bytes(b"code,name\n" + before + b"09001,X" + bad)
    with pytest.raises(ImportFailed) as info:
        rows_of(path)
    assert f"byte lỗi ở dòng {line})" in info.value.problems[0]


def test_size_limit_from_settings(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 100
    path = tmp_path / "f.csv"
    path.write_text("code,name\n" + "09000,x\n" * 50, encoding="utf-8")
    with pytest.raises(ImportFailed, match="quá lớn"):
        rows_of(path)


def test_row_errors_cap_the_list_but_say_how_many():
    errors = RowErrors(limit=3)
    for row in range(2, 12):
        errors.add(row, "code", "bad")
    with pytest.raises(ImportFailed) as info:
        errors.raise_if_any("f.csv")
    problems = info.value.problems
    assert problems[0].startswith("f.csv: ") and "10" in problems[0]
    assert problems[1:4] == ["row 2: code: bad", "row 3: code: bad", "row 4: code: bad"]
    assert "7" in problems[4] and "10" in problems[4]


def test_row_errors_silent_when_empty():
    RowErrors().raise_if_any("f.csv")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, ""), (123.0, "123"), (12.5, "12.5"), ("x", "x"), (True, "1"), (dt.date(2010, 2, 1), "2010-02-01")],
)
def test_text_value(value, expected):
    assert text_value(value) == expected
