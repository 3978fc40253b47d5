"""Cells of the CSV and XLSX files the portal writes, so that none runs as a formula when opened.

A name, an address or a file name typed by anyone (an official, a citizen's link, the registry
extract) can start with `=`, `+`, `-`, `@`, a tab or a carriage return; Excel and LibreOffice read such a
CSV cell as a formula (`=HYPERLINK(...)` sends the reader's data to another site, `=cmd|...` runs a
program). Every writer goes through this one module:

- CSV: a text cell that starts with one of those characters gets a leading apostrophe (OWASP's advice):
  the spreadsheet shows the text as it is, the apostrophe only tells it "this is text";
- XLSX: text is written as a string cell, never as a formula, with its exact text.

A number stays a number: only text is escaped, and text that is just a number ("-5", "+84", "1,5")
is left alone, because a spreadsheet reads it as that number and nothing else.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

import tablib
from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def is_formula_like(value: object) -> bool:
    """True for text a spreadsheet would read as a formula (or the start of one)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value)


def csv_cell(value: Any) -> Any:
    """The value as a CSV cell: formula-like text gets a leading apostrophe, anything else is unchanged."""
    return "'" + value if is_formula_like(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(value) for value in values]


class SafeCsvWriter:
    """`csv.writer` whose rows are escaped cell by cell; use it wherever the portal writes CSV."""

    def __init__(self, handle, **kwargs) -> None:
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(csv_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def xlsx_text(value: str) -> str:
    """Text an XLSX file can hold: control characters it cannot store become U+FFFD (not a failed export)."""
    return ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)


# --- django-import-export (the admin's exports) ------------------------------------------------


class SafeCSV(base_formats.CSV):
    """The admin's CSV export with formula-like text escaped (django-import-export's own setting only
    strips a leading "=" and turns every cell into text)."""

    native_types = False

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> str:
        safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
        for row in dataset:
            safe.append(csv_row(row))
        return safe.export(self.get_title(), **kwargs)


class SafeXLSX(base_formats.XLSX):
    """The admin's XLSX export: numbers and dates as such, every text as a string cell, never a formula
    (openpyxl, which tablib uses, makes a formula of any text starting with "=")."""

    native_types = True

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> bytes:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=(dataset.title or "Sheet1")[:31])
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        if dataset.headers:
            header = []
            for name in dataset.headers:
                cell = WriteOnlyCell(sheet, value=xlsx_text(str(name)))
                cell.data_type = "s"
                cell.font = bold
                header.append(cell)
            sheet.append(header)
        for row in dataset:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
        stream = io.BytesIO()
        book.save(stream)
        return stream.getvalue()


def _xlsx_cell(sheet, value: Any):
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=xlsx_text(value))
        cell.data_type = "s"  # set after the value: openpyxl infers "f" for text starting with "="
        return cell
    return value


# What the admin offers: no ODS, TSV, XLS or HTML, which would need the same care.
SAFE_EXPORT_FORMATS = [SafeCSV, SafeXLSX]
