"""The one reader of CSV and XLSX files for every importer (contract §2).

It streams rows (never the whole file as Python objects), maps English or
Vietnamese headers to the contract's keys, NFC-normalises text and refuses
whole-file problems (wrong type, encoding, size, missing columns) with a clear
message before any row is used.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import operator
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from landdata import normalize

MAX_PRINTED_PROBLEMS = 200

_XLSX_MAGIC = b"PK\x03\x04"
# Signatures of files that people rename to .csv by mistake.
_BINARY_MAGICS = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"\xd0\xcf\x11\xe0": "Excel 97-2003 (.xls)",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"\x1f\x8b": "gzip",
    b"Rar!": "RAR",
    b"7z\xbc\xaf": "7z",
}


@dataclass(frozen=True)
class Column:
    key: str  # English key from the contract, e.g. "registry_id"
    vi: str  # Vietnamese header, e.g. "Mã hồ sơ"
    required: bool = False


@dataclass(frozen=True)
class RowError:
    """One problem of one row, kept apart so that each place words it for its reader (contract §2)."""

    row: int  # as a spreadsheet numbers it: the header is row 1
    key: str  # the contract's key of the column ("area_m2")
    header: str  # the column as the file itself named it ("Diện tích" or "area_m2")
    problem: str

    def line(self) -> str:
        """As the management commands print it, for the programs that read them: `row N: key: problem`."""
        return f"row {self.row}: {self.key}: {self.problem}"

    def text(self) -> str:
        """For a person, in their language, with the file's own header: `dòng 3: Diện tích: bắt buộc`."""
        return _("dòng %(row)d: %(column)s: %(problem)s") % {
            "row": self.row,
            "column": self.header or self.key,
            "problem": self.problem,
        }

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "key": self.key, "header": self.header, "problem": self.problem}

    @classmethod
    def from_dict(cls, data: dict) -> RowError:
        return cls(int(data["row"]), str(data["key"]), str(data.get("header") or ""), str(data["problem"]))


class ImportFailed(Exception):
    """The whole import was refused.

    `.problems` are the lines the commands print (a line naming the file, then `row N: key: problem`);
    `.row_errors` the same row problems kept apart (at most MAX_PRINTED_PROBLEMS), and `.total` how many
    problems there were in all, listed or not.
    """

    def __init__(self, problems: list[str] | str, *, row_errors: Sequence[RowError] = (), total: int | None = None):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.row_errors = list(row_errors)
        self.total = total if total is not None else (len(self.row_errors) or len(self.problems))
        super().__init__("\n".join(self.problems))


class RowErrors:
    """Collects every bad row's problems, so that all are reported at once (contract §2).

    `use_headers` (given to `read_values`/`read_rows` as `on_header`) learns how the file names each
    column, so that a problem can be shown with the header the user typed.
    """

    def __init__(self, limit: int = MAX_PRINTED_PROBLEMS):
        self.limit = limit
        self.kept: list[RowError] = []
        self.count = 0
        self.headers: dict[str, str] = {}

    def use_headers(self, headers: Mapping[str, str]) -> None:
        self.headers = dict(headers)

    def add(self, row: int, column: str, problem: str) -> None:
        self.count += 1
        if len(self.kept) < self.limit:
            self.kept.append(RowError(row, column, self.headers.get(column, column), problem))

    @property
    def lines(self) -> list[str]:
        return [error.line() for error in self.kept]

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count

    def raise_if_any(self, file_name: str) -> None:
        """First a line naming the file, then one `row N: column: problem` line per bad row (contract §2)."""
        if not self.count:
            return
        lines = self.lines
        problems = [
            f"{file_name}: " + _("%(total)d lỗi; không có dữ liệu nào được ghi:") % {"total": self.count},
            *lines,
        ]
        if self.count > len(lines):
            problems.append(
                _("… và %(more)d lỗi khác (tổng cộng %(total)d lỗi); không có dữ liệu nào được ghi.")
                % {"more": self.count - len(lines), "total": self.count}
            )
        raise ImportFailed(problems, row_errors=self.kept, total=self.count)


def file_kind(path: str | os.PathLike, *, file_name: str | None = None) -> str:
    """'csv' or 'xlsx' judged from the content; ImportFailed for anything else or an empty file."""
    name = file_name or Path(path).name
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise ImportFailed(f"{name}: " + _("không đọc được tệp (%(error)s)") % {"error": exc}) from exc
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise ImportFailed(
            f"{name}: "
            + _("tệp quá lớn (%(size)s MB), giới hạn là %(limit)s MB; hãy chia nhỏ tệp.")
            % {"size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"}
        )
    if size == 0:
        raise ImportFailed(f"{name}: " + _("tệp rỗng"))
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(_XLSX_MAGIC):
        return "xlsx"
    for magic, label in _BINARY_MAGICS.items():
        if head.startswith(magic):
            raise ImportFailed(
                f"{name}: "
                + _("tệp %(kind)s không phải CSV hoặc XLSX; hãy lưu bảng tính dưới dạng CSV UTF-8 hoặc XLSX.")
                % {"kind": label}
            )
    if b"\x00" in head:
        raise ImportFailed(f"{name}: " + _("tệp nhị phân, không phải CSV hoặc XLSX"))
    return "csv"


def _header_map(
    header: Sequence[object], columns: Sequence[Column], name: str
) -> tuple[dict[str, int], dict[str, str]]:
    """(position of each known column, its header as the file wrote it); ImportFailed if one required is missing.

    A column the file does not have is named by its Vietnamese header (contract §2)."""
    wanted: dict[str, Column] = {}
    for col in columns:
        wanted[normalize.header_key(col.key)] = col
        wanted[normalize.header_key(col.vi)] = col
    positions: dict[str, int] = {}
    written = {col.key: col.vi for col in columns}
    for index, cell in enumerate(header):
        col = wanted.get(normalize.header_key("" if cell is None else str(cell)))
        if col is not None and col.key not in positions:
            positions[col.key] = index
            written[col.key] = str(cell)
    missing = [col for col in columns if col.required and col.key not in positions]
    if missing:
        listed = ", ".join(f"{col.key} ({col.vi})" for col in missing)
        raise ImportFailed(f"{name}: " + _("thiếu cột bắt buộc: %(columns)s") % {"columns": listed})
    return positions, written


_ODD_SPACE = re.compile(r"\s\s|[^\S ]")


def _clean(value: object) -> object:
    """Text NFC-normalised and trimmed, blanks as None; numbers and dates passed through."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        if _ODD_SPACE.search(value):
            return normalize.nfc(value) or None
        if not value.isascii():
            value = unicodedata.normalize("NFC", value)
        return value.strip() or None
    return value


def _iter_csv(path, name: str) -> Iterator[tuple[int, list[str]]]:
    raw = open(path, "rb")
    try:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
        sample = text.read(65536)
        delimiter = ","
        first_line = sample.split("\n", 1)[0]
        counts = {d: first_line.count(d) for d in (",", ";", "\t")}
        if counts[","] == 0 and max(counts.values()) > 0:
            delimiter = max(counts, key=counts.get)
        # NFC per line (not per cell): composition never crosses a delimiter or quote.
        stream = (line if line.isascii() else unicodedata.normalize("NFC", line) for line in _chain(sample, text))
        reader = csv.reader(stream, delimiter=delimiter)
        row_no = 0
        for row_no, cells in enumerate(reader, start=1):  # noqa: UP028 - row_no names the bad row below
            yield row_no, cells
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            f"{name}: "
            + _(
                "tệp không được mã hoá UTF-8 (byte lỗi ở dòng %(line)d); trong Excel hãy chọn "
                "Lưu thành → 'CSV UTF-8 (Comma delimited)'."
            )
            % {"line": _line_of_first_bad_byte(path)}
        ) from exc
    except csv.Error as exc:
        raise ImportFailed(f"{name}: " + _("tệp CSV hỏng: %(error)s") % {"error": exc}) from exc
    finally:
        raw.close()


def _line_of_first_bad_byte(path) -> int:
    """The line of the file (the first is 1) holding its first byte that is not UTF-8.

    The decoding error itself cannot say: its position counts from the start of the block the text
    reader was decoding, a few kilobytes before the byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with open(path, "rb") as raw:
        while True:
            block = raw.read(1 << 20)
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                # exc.object: the bytes held back from the previous block (never a newline) and this block
                return line + exc.object.count(b"\n", 0, exc.start)
            if not block:
                return line
            line += block.count(b"\n")


def _chain(sample: str, rest: io.TextIOWrapper) -> Iterator[str]:
    """Lines of the already-read sample followed by the rest of the stream."""
    buffer = io.StringIO(sample)
    pending = ""
    for line in buffer:
        if line.endswith("\n"):
            yield pending + line
            pending = ""
        else:
            pending += line
    for line in rest:
        if pending:
            line, pending = pending + line, ""
        yield line
    if pending:
        yield pending


def _iter_xlsx(path, name: str) -> Iterator[tuple[int, list[object]]]:
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise ImportFailed(f"{name}: " + _("không đọc được tệp XLSX: %(error)s") % {"error": exc}) from exc
    # iter_rows() starts at the sheet's first row, so the index is the spreadsheet row number.
    for row_no, cells in enumerate(rows, start=1):
        yield row_no, ["" if isinstance(c, str) and not c else c for c in cells]


def read_values(
    path: str | os.PathLike,
    columns: Sequence[Column],
    *,
    file_name: str | None = None,
    on_header: Callable[[dict[str, str]], None] | None = None,
    blank: Literal["", None] = None,
) -> Iterator[tuple[int, tuple[object, ...]]]:
    """Like `read_rows`, but each row is a tuple in the order of `columns` (no dict per row).

    For big imports: a bulk importer indexes the tuple by column position. `on_header` is called once,
    before the first row, with each column's header as the file wrote it (`RowErrors.use_headers`).
    `blank=""` gives blank cells as "" rather than None: a CSV row that needs no cleaning is then
    passed on as the csv module read it (the registry import reads every cell as text anyway).
    """
    name = file_name or Path(path).name
    kind = file_kind(path, file_name=name)
    source: Iterator[tuple[int, list[Any]]] = _iter_xlsx(path, name) if kind == "xlsx" else _iter_csv(path, name)
    positions: dict[str, int] | None = None
    pick = None
    needed = 0
    for row_no, cells in source:
        if kind == "csv" and _csv_row_is_clean(cells):
            if not any(cells):
                continue
            if blank is None:
                cells = [cell or None for cell in cells]  # fast path: nothing to trim or collapse
        else:
            cells = [_clean(cell) for cell in cells]
            if all(cell is None for cell in cells):
                continue
            if blank is not None:
                cells = [blank if cell is None else cell for cell in cells]
        if positions is None:
            positions, written = _header_map(cells, columns, name)
            if on_header is not None:
                on_header(written)
            indexes = [positions.get(col.key) for col in columns]
            needed = max((i for i in indexes if i is not None), default=-1) + 1
            pick = _picker(indexes, blank)
            continue
        if len(cells) < needed:  # a short line: the missing cells are blank
            cells = cells + [blank] * (needed - len(cells))
        yield row_no, pick(cells)
    if positions is None:
        raise ImportFailed(f"{name}: " + _("tệp không có dòng tiêu đề"))


def _picker(indexes: list[int | None], blank: object = None):
    """A function taking a row's cells to the tuple of the wanted columns (`blank` when absent)."""
    if all(i is not None for i in indexes):
        if len(indexes) == 1:
            only = indexes[0]
            return lambda cells: (cells[only],)
        return operator.itemgetter(*indexes)
    return lambda cells: tuple(blank if i is None else cells[i] for i in indexes)


def _csv_row_is_clean(cells: list[str]) -> bool:
    """True when no cell of a CSV record needs trimming or space collapsing (the common case).

    "|" joins the cells: a false alarm (a cell containing "| ") only costs the slow path.
    isprintable() is False for any whitespace but the plain space (tabs, NBSP, line breaks).
    """
    joined = "|".join(cells)
    return not (
        "  " in joined
        or "| " in joined
        or " |" in joined
        or joined.startswith(" ")
        or joined.endswith(" ")
        or not joined.isprintable()
    )


def read_rows(
    path: str | os.PathLike,
    columns: Sequence[Column],
    *,
    file_name: str | None = None,
    on_header: Callable[[dict[str, str]], None] | None = None,
) -> Iterator[tuple[int, dict[str, object]]]:
    """Yield (spreadsheet row number, {key: value or None}) for each non-empty data row.

    The header is the first non-empty row (row 1 in a normal file). Unknown columns
    are ignored; whole-file problems raise ImportFailed before the first row.
    """
    keys = [col.key for col in columns]
    for row_no, values in read_values(path, columns, file_name=file_name, on_header=on_header):
        yield row_no, dict(zip(keys, values))


def estimate_rows(path: str | os.PathLike) -> int:
    """Data rows expected in the file, for progress percentages (cheap: newlines or sheet height)."""
    with open(path, "rb") as handle:
        head = handle.read(4)
        if head.startswith(_XLSX_MAGIC):
            try:
                return max(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).height - 1, 0)
            except Exception:
                return 0
        handle.seek(0)
        lines = 0
        last = b""
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk
        if last and not last.endswith(b"\n"):
            lines += 1
    return max(lines - 1, 0)


def sha256_of(path: str | os.PathLike) -> str:
    """SHA-256 of a file, read in blocks (import batches, backups and demo files record it)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def text_value(value: object) -> str:
    """A cell as text: whole floats from spreadsheets lose their '.0' (123.0 -> "123")."""
    if value is None:
        return ""
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return value
    return normalize.nfc(str(value))


__all__ = [
    "Column",
    "ImportFailed",
    "RowError",
    "RowErrors",
    "read_rows",
    "read_values",
    "file_kind",
    "estimate_rows",
    "sha256_of",
    "text_value",
]
