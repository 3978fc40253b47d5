"""Writes to the land registry data: the registry extract import (contract §2.1, §3).

The import is two phases so it stays fast and all-or-nothing at province size:

1. stream the file, validate every row in Python with the rules of
   `landdata.normalize`, and load the clean rows into a temporary staging table
   (PostgreSQL COPY; batched inserts on SQLite) — nothing of the portal's data is
   touched yet, and a single bad row refuses the whole file;
2. in one transaction, a fixed number of set-based statements upsert communes,
   former communes, plots, certificates and land users from the staging table
   (`UPDATE … FROM … WHERE something changed`, then `INSERT … SELECT … WHERE NOT
   EXISTS`), so a re-import of the same file changes nothing and the query count
   does not grow with the number of rows.

Where the time goes at province size (bench/import_registry.py): the per-row
Python work (kept small: rows are tuples, repeated values go through caches),
then the indexes and foreign keys of the written tables. When an import adds many
land users compared to those already there (a province's first import), the
indexes and constraints are dropped and rebuilt once after the writes
(`landdata.bulkload`) instead of being kept up to date row by row; the audit link
`batch` has no constraint at all.

`--replace` then removes the registry rows of plots absent from the file, except
plots that the campaign already refers to (collected records, flags…): those are
kept and counted in the summary.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from landdata import bulkload, imports, normalize
from landdata.models import Certificate, ImportBatch, LandUser, Plot
from landdata.tabular import (
    Column,
    ImportFailed,
    RowErrors,
    estimate_rows,
    file_kind,
    read_values,
    sha256_of,
    text_value,
)

Progress = Callable[[int, int], None]

REGISTRY_COLUMNS: tuple[Column, ...] = (
    Column("registry_id", "Mã hồ sơ", required=True),
    Column("commune_code", "Mã xã", required=True),
    Column("old_commune_code", "Mã xã cũ"),
    Column("map_sheet", "Số tờ", required=True),
    Column("plot_number", "Số thửa", required=True),
    Column("area_m2", "Diện tích", required=True),
    Column("land_use", "Mục đích sử dụng"),
    Column("plot_address", "Địa chỉ thửa đất"),
    Column("owner_name", "Họ tên chủ sử dụng", required=True),
    Column("owner_birth", "Năm sinh"),
    Column("owner_id_number", "Số giấy tờ tùy thân"),
    Column("owner_address", "Địa chỉ thường trú"),
    Column("certificate_serial", "Số phát hành GCN"),
    Column("certificate_book_number", "Số vào sổ"),
    Column("certificate_issue_date", "Ngày cấp GCN"),
)

# Names given to administrative units the registry mentions before the assignment
# list has named them (data, not interface text: the assignment import overwrites them).
PLACEHOLDER_COMMUNE_NAME = "Xã/phường "
PLACEHOLDER_FORMER_COMMUNE_NAME = "Xã cũ "

STAGE_TABLE = "landdata_registry_stage"
STAGE_COLUMNS = (
    "row_no",
    "registry_id",
    "commune_code",
    "former_code",
    "map_sheet",
    "plot_number",
    "sheet_key",
    "number_key",
    "area_m2",
    "land_use",
    "plot_address",
    "plot_first",
    "full_name",
    "name_folded",
    "birth_year",
    "birth_date",
    "id_number",
    "id_kind",
    "address",
    "serial",
    "serial_key",
    "book_number",
    "issue_date",
    "has_cert",
    "cert_first",
)
_STAGE_DDL = f"""
CREATE TEMPORARY TABLE {STAGE_TABLE} (
    row_no integer NOT NULL,
    registry_id varchar(50) NOT NULL,
    commune_code varchar(5) NOT NULL,
    former_code varchar(5) NOT NULL,
    map_sheet varchar(20) NOT NULL,
    plot_number varchar(20) NOT NULL,
    sheet_key varchar(20) NOT NULL,
    number_key varchar(20) NOT NULL,
    area_m2 numeric(14, 2) NOT NULL,
    land_use varchar(100) NOT NULL,
    plot_address varchar(300) NOT NULL,
    plot_first smallint NOT NULL,
    full_name varchar(200) NOT NULL,
    name_folded varchar(200) NOT NULL,
    birth_year smallint NULL,
    birth_date date NULL,
    id_number varchar(20) NOT NULL,
    id_kind varchar(8) NOT NULL,
    address varchar(300) NOT NULL,
    serial varchar(40) NOT NULL,
    serial_key varchar(40) NOT NULL,
    book_number varchar(40) NOT NULL,
    issue_date date NULL,
    has_cert smallint NOT NULL,
    cert_first smallint NOT NULL
)"""

# The columns the set-based statements join or filter on (ANALYZE only these: it is cheaper).
_STAGE_ANALYZED = "former_code, sheet_key, number_key, registry_id, serial_key, book_number, plot_first, cert_first, has_cert"

MAX_AREA = Decimal("999999999999.99")
_TWO_PLACES = Decimal("0.01")


@dataclass
class ImportResult:
    """What an import did, for the one-line summary and the ImportBatch row."""

    batch_id: int | None = None
    rows: int = 0
    plots_created: int = 0
    plots_updated: int = 0
    plots_unchanged: int = 0
    land_users_created: int = 0
    land_users_updated: int = 0
    land_users_unchanged: int = 0
    certificates_created: int = 0
    certificates_updated: int = 0
    communes_created: int = 0
    former_communes_created: int = 0
    plots_removed: int = 0
    plots_kept: int = 0
    land_users_removed: int = 0
    seconds: float = 0.0
    # Where the time went: reading + validating + staging, then the set-based writes.
    stage_seconds: float = 0.0
    write_seconds: float = 0.0
    # Whether the indexes were rebuilt after writing instead of kept up to date (landdata.bulkload).
    indexes_rebuilt: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def land_users(self) -> int:
        return self.land_users_created + self.land_users_updated + self.land_users_unchanged

    @property
    def plots(self) -> int:
        return self.plots_created + self.plots_updated + self.plots_unchanged

    def summary(self) -> str:
        text = _(
            "%(rows)d dòng trong %(seconds).1f giây: thửa đất %(plots)d (mới %(pc)d, cập nhật %(pu)d, "
            "không đổi %(pn)d); người sử dụng đất %(users)d (mới %(uc)d, cập nhật %(uu)d, không đổi %(un)d); "
            "giấy chứng nhận mới %(cc)d, cập nhật %(cu)d; xã mới %(communes)d, xã cũ mới %(formers)d."
        ) % {
            "rows": self.rows,
            "seconds": self.seconds,
            "plots": self.plots,
            "pc": self.plots_created,
            "pu": self.plots_updated,
            "pn": self.plots_unchanged,
            "users": self.land_users,
            "uc": self.land_users_created,
            "uu": self.land_users_updated,
            "un": self.land_users_unchanged,
            "cc": self.certificates_created,
            "cu": self.certificates_updated,
            "communes": self.communes_created,
            "formers": self.former_communes_created,
        }
        if self.plots_removed or self.plots_kept or self.land_users_removed:
            text += " " + _(
                "Thay thế: đã xoá %(removed)d thửa và %(users)d người sử dụng không còn trong tệp; giữ lại "
                "%(kept)d thửa không có trong tệp vì đã có dữ liệu thu thập."
            ) % {"removed": self.plots_removed, "users": self.land_users_removed, "kept": self.plots_kept}
        if self.notes:
            text += " " + " ".join(self.notes)
        return text


# --- batches -------------------------------------------------------------------

UPLOAD_EXTENSIONS = {"csv", "xlsx"}


def import_file_path(stored_name: str) -> Path:
    """Where an uploaded import file lives: MEDIA_ROOT/imports/<uuid>.<ext> (no user-chosen path)."""
    safe = Path(stored_name).name
    return Path(settings.MEDIA_ROOT) / "imports" / safe


def import_file_store(*, uploaded, kind: str, user=None) -> tuple[ImportBatch, str]:
    """Save an uploaded file under a generated name and create its PENDING batch."""
    import uuid

    ext = Path(uploaded.name or "").suffix.lower().lstrip(".")
    ext = ext if ext in UPLOAD_EXTENSIONS else "dat"
    stored_name = f"{uuid.uuid4().hex}.{ext}"
    target = import_file_path(stored_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    batch = import_batch_create(kind=kind, file_name=uploaded.name or stored_name, user=user, sha256=sha256_of(target))
    return batch, stored_name


def import_batch_create(*, kind: str, file_name: str, user=None, sha256: str = "") -> ImportBatch:
    """A PENDING batch, created before a background import so its page can show progress."""
    return ImportBatch.objects.create(
        kind=kind, file_name=file_name[:255], sha256=sha256, imported_by=user if user and user.pk else None
    )


def import_batch_fail(*, batch_id: int, problems: list[str]) -> None:
    """Record a refused import on its batch (outside the rolled-back transaction)."""
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.FAILED, errors="\n".join(problems), finished_at=timezone.now()
    )


def import_batch_progress(*, batch_id: int) -> Progress:
    """A progress callback that stores rows_done/rows_total on the batch (a bounded number of updates)."""

    def report(done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(rows_done=done, rows_total=max(total, done))

    return report


def throttled(progress: Progress | None, total: int) -> Progress | None:
    """Call `progress` at most about 100 times whatever the file size."""
    if progress is None:
        return None
    step = max(total // 100, 1000)
    state = {"next": step}

    def report(done: int, total_now: int) -> None:
        if done >= state["next"] or done == total_now:
            state["next"] = done + step
            progress(done, total_now)

    return report


# --- row validation ------------------------------------------------------------
# The checks below run 270,000 times for a province: values that repeat (codes, sheets,
# areas, land uses, dates, names) go through small caches around the normalize rules,
# so each distinct value is judged once and every row gets the same answer.


@lru_cache(maxsize=4096)
def _commune(raw: str) -> tuple[str, bool]:
    """(code with its leading zeros, whether it is a 5-digit commune code)."""
    code = normalize.commune_code(raw)
    return code, len(code) == 5 and code.isdigit() and code.isascii()


@lru_cache(maxsize=65536)
def _key_part(raw: str) -> str:
    return normalize.plot_key_part(raw)


_LAND_USE_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@lru_cache(maxsize=4096)
def _land_use(raw: str) -> tuple[str, frozenset[str], tuple[str, ...]]:
    """(canonical "CLN+ONT" so that equal sets compare equal in SQL too, the codes, the bad codes)."""
    codes = normalize.parse_land_use(raw)
    bad = tuple(code for code in codes if not (2 <= len(code) <= 4 and set(code) <= _LAND_USE_CODE_CHARS))
    return normalize.format_land_use(codes), codes, bad


_NOT_A_NUMBER = "nan"
_OUT_OF_RANGE = "range"


@lru_cache(maxsize=65536, typed=True)
def _area(raw: object) -> Decimal | str | None:
    """The area rounded to 2 places, None when blank, or why it is refused (areas repeat a lot)."""
    try:
        area = normalize.parse_decimal(raw)
    except ValueError:
        return _NOT_A_NUMBER
    if area is None:
        return None
    if area < 0 or area > MAX_AREA:
        return _OUT_OF_RANGE
    return area.quantize(_TWO_PLACES)


def _texts(values: tuple) -> list[str]:
    """Every cell as text (CSV cells already are; spreadsheet numbers lose their '.0')."""
    return [v if v.__class__ is str else text_value(v) for v in values]


class _RegistryValidator:
    """Checks one row at a time and remembers what later rows must agree with."""

    def __init__(self, errors: RowErrors, today: dt.date):
        self.errors = errors
        self.today = today
        self.registry_rows: dict[str, int] = {}
        self.plots: dict[tuple[str, str, str], tuple[int, Decimal, frozenset[str], str]] = {}
        self.certificates: set[tuple[str, str, str, str, str]] = set()
        self._dates: dict[object, normalize.PartialDate | None | ValueError] = {}

    def date(self, raw: object) -> normalize.PartialDate | None:
        """parse_partial_date, remembered: birth years and issue dates repeat a lot."""
        try:
            found = self._dates[raw]
        except KeyError:
            try:
                found = normalize.parse_partial_date(raw, today=self.today)
            except ValueError as exc:
                found = exc
            except TypeError:  # unhashable never happens for cell values; be safe
                found = ValueError(repr(raw))
            self._dates[raw] = found
        if isinstance(found, ValueError):
            raise found
        return found

    def row(self, row_no: int, values: tuple) -> tuple | None:
        """Check one row (cells in REGISTRY_COLUMNS order); the staging tuple, or None if bad."""
        err = self.errors
        bad = err.count
        (registry_id, commune_text, former_raw, map_sheet, plot_number, _area_text, land_use_text,
         plot_address, full_name, _birth_text, id_text, address, serial, book_number, _issued_text) = _texts(values)
        area_raw, birth_raw, issued_raw = values[5], values[9], values[14]

        if not registry_id:
            err.add(row_no, "registry_id", _("bắt buộc"))
        elif len(registry_id) > 50:
            err.add(row_no, "registry_id", _("dài quá 50 ký tự"))
        elif (first := self.registry_rows.get(registry_id)) is not None:
            err.add(row_no, "registry_id", _("“%(value)s” trùng với dòng %(row)d") % {"value": registry_id, "row": first})
        else:
            self.registry_rows[registry_id] = row_no

        commune_code, commune_ok = _commune(commune_text)
        if not commune_code:
            err.add(row_no, "commune_code", _("bắt buộc"))
        elif not commune_ok:
            err.add(row_no, "commune_code", _("“%(value)s” không phải mã xã 5 chữ số") % {"value": commune_code})
        if former_raw:
            former_code, former_ok = _commune(former_raw)
            if not former_ok:
                err.add(row_no, "old_commune_code", _("“%(value)s” không phải mã xã 5 chữ số") % {"value": former_code})
        else:
            former_code = commune_code

        if not map_sheet:
            err.add(row_no, "map_sheet", _("bắt buộc"))
        elif len(map_sheet) > 20:
            err.add(row_no, "map_sheet", _("dài quá 20 ký tự"))
        if not plot_number:
            err.add(row_no, "plot_number", _("bắt buộc"))
        elif len(plot_number) > 20:
            err.add(row_no, "plot_number", _("dài quá 20 ký tự"))
        sheet_key, number_key = _key_part(map_sheet), _key_part(plot_number)
        if sheet_key.endswith(".0"):  # "12.0" typed as text is still sheet 12
            sheet_key = _key_part(sheet_key[:-2])

        area = _area(area_raw)
        if area is None:
            err.add(row_no, "area_m2", _("bắt buộc"))
        elif area is _NOT_A_NUMBER:
            err.add(row_no, "area_m2", _("“%(value)s” không phải là số") % {"value": area_raw})
            area = None
        elif area is _OUT_OF_RANGE:
            err.add(row_no, "area_m2", _("“%(value)s” ngoài khoảng cho phép") % {"value": area_raw})
            area = None

        land_use, land_use_codes, bad_codes = _land_use(land_use_text)
        for code in bad_codes:
            err.add(row_no, "land_use", _("“%(value)s” không phải mã mục đích sử dụng đất") % {"value": code})
        if len(land_use) > 100:
            err.add(row_no, "land_use", _("dài quá 100 ký tự"))
        if len(plot_address) > 300:
            err.add(row_no, "plot_address", _("dài quá 300 ký tự"))

        if not full_name:
            err.add(row_no, "owner_name", _("bắt buộc"))
        elif len(full_name) > 200:
            err.add(row_no, "owner_name", _("dài quá 200 ký tự"))

        birth = None
        try:
            birth = self.date(birth_raw)
        except ValueError:
            err.add(row_no, "owner_birth", _("“%(value)s” không phải ngày hoặc năm hợp lệ") % {"value": birth_raw})

        id_number = normalize.clean_id(id_text)
        if id_number and not id_number.isdigit():
            err.add(
                row_no,
                "owner_id_number",
                _("“%(value)s” không phải số CMND/CCCD (giống số phát hành hoặc số vào sổ GCN)") % {"value": id_text},
            )
        elif len(id_number) > 20:
            err.add(row_no, "owner_id_number", _("dài quá 20 ký tự"))
        if len(address) > 300:
            err.add(row_no, "owner_address", _("dài quá 300 ký tự"))

        if len(serial) > 40:
            err.add(row_no, "certificate_serial", _("dài quá 40 ký tự"))
        if len(book_number) > 40:
            err.add(row_no, "certificate_book_number", _("dài quá 40 ký tự"))
        issue_date = None
        try:
            issued = self.date(issued_raw)
        except ValueError:
            err.add(
                row_no,
                "certificate_issue_date",
                _("“%(value)s” không phải ngày hợp lệ") % {"value": issued_raw},
            )
        else:
            if issued is not None and not issued.is_full:
                err.add(row_no, "certificate_issue_date", _("cần đủ ngày, tháng, năm (dd/mm/yyyy)"))
            elif issued is not None:
                issue_date = issued.date

        if err.count > bad:
            return None

        plot_key = (former_code, sheet_key, number_key)
        seen = self.plots.get(plot_key)
        plot_first = 0
        if seen is None:
            self.plots[plot_key] = (row_no, area, land_use_codes, plot_address)
            plot_first = 1
        else:
            first_row, first_area, first_codes, first_address = seen
            if first_area != area:
                err.add(row_no, "area_m2", _("%(value)s khác dòng %(row)d của cùng thửa (%(other)s)")
                        % {"value": area, "row": first_row, "other": first_area})
            if first_codes != land_use_codes:
                err.add(row_no, "land_use", _("“%(value)s” khác dòng %(row)d của cùng thửa (%(other)s)")
                        % {"value": land_use, "row": first_row, "other": "+".join(sorted(first_codes))})
            if first_address != plot_address and normalize.name_key(first_address) != normalize.name_key(plot_address):
                err.add(row_no, "plot_address", _("“%(value)s” khác dòng %(row)d của cùng thửa")
                        % {"value": plot_address, "row": first_row})
            if err.count > bad:
                return None

        serial_key = Certificate.derived(serial=serial)["serial_key"]
        has_cert = 1 if (serial_key or book_number) else 0
        cert_first = 0
        if has_cert:
            cert_key = (*plot_key, serial_key, book_number)
            if cert_key not in self.certificates:
                self.certificates.add(cert_key)
                cert_first = 1
        birth_year = birth.year if birth else None
        user = LandUser.derived(full_name=full_name, id_number=id_number, birth_year=birth_year)
        return (
            row_no,
            registry_id,
            commune_code,
            former_code,
            map_sheet,
            plot_number,
            sheet_key,
            number_key,
            area,
            land_use,
            plot_address,
            plot_first,
            full_name,
            user["name_folded"],
            birth_year,
            birth.date if birth else None,
            id_number,
            user["id_kind"],
            address,
            serial,
            serial_key,
            book_number,
            issue_date,
            has_cert,
            cert_first,
        )


# --- staging -------------------------------------------------------------------


class _Stage:
    """The temporary staging table: COPY on PostgreSQL, batched inserts elsewhere.

    Rows are sent in chunks so that no statement is open between chunks (the admin's
    progress updates use the same connection).
    """

    def __init__(self, cursor):
        self.cursor = cursor
        self.postgres = connection.vendor == "postgresql"
        self.batch = 50_000 if self.postgres else 5_000
        self.pending: list[tuple] = []

    def __enter__(self):
        self.cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")
        self.cursor.execute(_STAGE_DDL)
        return self

    def write(self, values: tuple) -> None:
        self.pending.append(values)
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        columns = ", ".join(STAGE_COLUMNS)
        if self.postgres:
            raw = self.cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {STAGE_TABLE} ({columns}) FROM STDIN") as copy:
                for values in self.pending:
                    copy.write_row(values)
        else:
            marks = ", ".join(["%s"] * len(STAGE_COLUMNS))
            self.cursor.executemany(f"INSERT INTO {STAGE_TABLE} ({columns}) VALUES ({marks})", self.pending)
        self.pending = []

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.flush()
        return False


def _drop_stage(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}_drop")


# --- set-based upsert ----------------------------------------------------------


def _differs() -> str:
    return "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"


def _plot_join(alias: str = "p") -> str:
    return (
        f"{alias}.former_commune_id = s.former_code AND {alias}.sheet_key = s.sheet_key "
        f"AND {alias}.number_key = s.number_key"
    )


def _one(cursor, sql: str, params=()) -> tuple:
    cursor.execute(sql, params)
    return tuple(value or 0 for value in cursor.fetchone())


REGISTRY_TABLES = (Plot._meta.db_table, Certificate._meta.db_table, LandUser._meta.db_table)


def _worth_rebuilding_indexes(cursor) -> bool:
    """Whether the staged rows add enough land users to rebuild the indexes after writing them."""
    if connection.vendor != "postgresql":
        return False
    new_rows, existing_rows = _one(
        cursor,
        f"SELECT (SELECT COUNT(*) FROM {STAGE_TABLE} s WHERE NOT EXISTS "
        f"(SELECT 1 FROM landdata_landuser u WHERE u.registry_id = s.registry_id)), "
        f"(SELECT COUNT(*) FROM landdata_landuser)",
    )
    return bulkload.worth_rebuilding(new_rows=new_rows, existing_rows=existing_rows)


def _upsert(cursor, *, batch_id: int, plots: int, rows: int, result: ImportResult) -> None:
    """Write the staged rows: a fixed number of set-based statements whatever the row count.

    Rows that exist and differ are updated (UPDATE … FROM), new ones inserted with a plain
    INSERT … WHERE NOT EXISTS: no ON CONFLICT, so no speculative insertion per row, and a
    re-import of an unchanged file writes nothing. Imports are serialised by an advisory
    lock; should anything else write the same key meanwhile, the unique constraints refuse
    it and the whole import rolls back. Counts come from the row counts of the statements
    (unchanged = staged − created − updated), so there is no separate counting query.
    """
    D = _differs()
    S = STAGE_TABLE
    cursor.execute(
        "INSERT INTO landdata_province (code, name) VALUES (%s, %s) ON CONFLICT (code) DO NOTHING",
        [settings.PROVINCE_CODE, settings.PROVINCE_NAME],
    )
    cursor.execute(
        f"INSERT INTO landdata_commune (code, name, province_id, branch_id) "
        f"SELECT DISTINCT s.commune_code, %s || s.commune_code, %s, NULL FROM {S} s WHERE 1 = 1 "
        f"ON CONFLICT (code) DO NOTHING",
        [PLACEHOLDER_COMMUNE_NAME, settings.PROVINCE_CODE],
    )
    result.communes_created = max(cursor.rowcount, 0)
    cursor.execute(
        f"INSERT INTO landdata_formercommune (code, name, commune_id) "
        f"SELECT s.former_code, %s || s.former_code, s.commune_code FROM {S} s "
        f"WHERE s.row_no IN (SELECT MIN(row_no) FROM {S} GROUP BY former_code) "
        f"ON CONFLICT (code) DO NOTHING",
        [PLACEHOLDER_FORMER_COMMUNE_NAME],
    )
    result.former_communes_created = max(cursor.rowcount, 0)
    # Which commune a former commune merged into is the assignment list's business; the
    # registry import never moves one, but says when the file disagrees.
    (disagreeing,) = _one(
        cursor,
        f"SELECT COUNT(DISTINCT s.former_code) FROM {S} s JOIN landdata_formercommune f ON f.code = s.former_code "
        f"WHERE f.commune_id <> s.commune_code",
    )
    if disagreeing:
        result.notes.append(
            _("%(count)d xã cũ trong tệp ghi mã xã khác với danh sách giao xã; giữ theo danh sách giao xã.")
            % {"count": disagreeing}
        )

    plot_values = {"map_sheet": "s.map_sheet", "plot_number": "s.plot_number", "area_m2": "s.area_m2",
                   "land_use": "s.land_use", "address": "s.plot_address"}
    cursor.execute(
        f"UPDATE landdata_plot AS p SET {_assign(plot_values)}, batch_id = %s FROM {S} s "
        f"WHERE s.plot_first = 1 AND {_plot_join()} AND ({_changed('p', plot_values, D)})",
        [batch_id],
    )
    result.plots_updated = max(cursor.rowcount, 0)
    cursor.execute(
        f"INSERT INTO landdata_plot (former_commune_id, sheet_key, number_key, {', '.join(plot_values)}, batch_id) "
        f"SELECT s.former_code, s.sheet_key, s.number_key, {', '.join(plot_values.values())}, %s FROM {S} s "
        f"WHERE s.plot_first = 1 AND NOT EXISTS (SELECT 1 FROM landdata_plot p WHERE {_plot_join()})",
        [batch_id],
    )
    result.plots_created = max(cursor.rowcount, 0)
    _analyze_after_bulk_load(cursor, Plot, result)
    result.plots_unchanged = plots - result.plots_created - result.plots_updated

    cert_join = "c.plot_id = p.id AND c.serial_key = s.serial_key AND c.book_number = s.book_number"
    cert_values = {"serial": "s.serial", "issue_date": "s.issue_date"}
    cursor.execute(
        f"UPDATE landdata_certificate AS c SET {_assign(cert_values)} "
        f"FROM {S} s JOIN landdata_plot p ON {_plot_join()} "
        f"WHERE s.cert_first = 1 AND {cert_join} AND ({_changed('c', cert_values, D)})",
    )
    result.certificates_updated = max(cursor.rowcount, 0)
    cursor.execute(
        f"INSERT INTO landdata_certificate (plot_id, serial, serial_key, book_number, issue_date, status) "
        f"SELECT p.id, s.serial, s.serial_key, s.book_number, s.issue_date, %s "
        f"FROM {S} s JOIN landdata_plot p ON {_plot_join()} "
        f"WHERE s.cert_first = 1 AND NOT EXISTS (SELECT 1 FROM landdata_certificate c WHERE {cert_join})",
        [Certificate.Status.HELD],
    )
    result.certificates_created = max(cursor.rowcount, 0)
    _analyze_after_bulk_load(cursor, Certificate, result)

    source = (
        f"{S} s JOIN landdata_plot p ON {_plot_join()} "
        f"LEFT JOIN landdata_certificate c ON s.has_cert = 1 AND {cert_join}"
    )
    user_values = {"plot_id": "p.id", "certificate_id": "c.id", "full_name": "s.full_name",
                   "name_folded": "s.name_folded", "birth_year": "s.birth_year", "birth_date": "s.birth_date",
                   "id_number": "s.id_number", "id_kind": "s.id_kind", "address": "s.address"}
    cursor.execute(
        f"UPDATE landdata_landuser AS u SET {_assign(user_values)}, batch_id = %s FROM {source} "
        f"WHERE u.registry_id = s.registry_id AND ({_changed('u', user_values, D)})",
        [batch_id],
    )
    result.land_users_updated = max(cursor.rowcount, 0)
    cursor.execute(
        f"INSERT INTO landdata_landuser (registry_id, kind, former_id_number, batch_id, {', '.join(user_values)}) "
        f"SELECT s.registry_id, %s, '', %s, {', '.join(user_values.values())} FROM {source} "
        f"WHERE NOT EXISTS (SELECT 1 FROM landdata_landuser u WHERE u.registry_id = s.registry_id)",
        [LandUser.Kind.PERSON, batch_id],
    )
    result.land_users_created = max(cursor.rowcount, 0)
    _analyze_after_bulk_load(cursor, LandUser, result)
    result.land_users_unchanged = rows - result.land_users_created - result.land_users_updated


def _analyze_after_bulk_load(cursor, model, result: ImportResult) -> None:
    """Fresh planner statistics after a bulk load (many rows next to few): the next statements
    join the table, and planned with the statistics of a (nearly) empty table they cost seconds
    at province size. Same decision as the index rebuild, so the statement count follows the path."""
    if result.indexes_rebuilt:
        cursor.execute(f"ANALYZE {model._meta.db_table}")


def _assign(values: dict[str, str]) -> str:
    return ", ".join(f"{column} = {value}" for column, value in values.items())


def _changed(alias: str, values: dict[str, str], differs: str) -> str:
    return " OR ".join(f"{alias}.{column} {differs} {value}" for column, value in values.items())


def _external_references(model) -> list[tuple[str, str]]:
    """(table, column) of every foreign key from outside landdata to `model` (campaign data)."""
    refs = []
    for rel in model._meta.related_objects:
        related = rel.related_model
        if related._meta.app_label != "landdata" and rel.field.concrete and not rel.many_to_many:
            refs.append((related._meta.db_table, rel.field.column))
    return refs


def _referenced(alias: str, model) -> str:
    clauses = [f"EXISTS (SELECT 1 FROM {t} x WHERE x.{c} = {alias}.id)" for t, c in _external_references(model)]
    return " OR ".join(clauses) or "1 = 0"


def _replace(cursor, *, result: ImportResult) -> None:
    """Remove registry rows absent from the file, keeping plots the campaign refers to."""
    S = STAGE_TABLE
    drop = f"{S}_drop"
    protected = (
        f"({_referenced('p', Plot)}) "
        f"OR EXISTS (SELECT 1 FROM landdata_landuser u WHERE u.plot_id = p.id AND ({_referenced('u', LandUser)})) "
        f"OR EXISTS (SELECT 1 FROM landdata_certificate c WHERE c.plot_id = p.id AND ({_referenced('c', Certificate)}))"
    )
    absent = f"NOT EXISTS (SELECT 1 FROM {S} s WHERE s.plot_first = 1 AND {_plot_join()})"
    cursor.execute(f"DROP TABLE IF EXISTS {drop}")
    cursor.execute(f"CREATE TEMPORARY TABLE {drop} AS SELECT p.id FROM landdata_plot p WHERE {absent} AND NOT ({protected})")
    (result.plots_kept,) = _one(cursor, f"SELECT COUNT(*) FROM landdata_plot p WHERE {absent} AND ({protected})")
    cursor.execute(
        f"DELETE FROM landdata_landuser WHERE plot_id IN (SELECT id FROM {drop}) OR ("
        f"NOT EXISTS (SELECT 1 FROM {S} s WHERE s.registry_id = landdata_landuser.registry_id) "
        f"AND NOT ({_referenced('landdata_landuser', LandUser)}) "
        f"AND plot_id NOT IN (SELECT p.id FROM landdata_plot p WHERE {absent}))"
    )
    result.land_users_removed = max(cursor.rowcount, 0)
    cursor.execute(f"DELETE FROM landdata_certificate WHERE plot_id IN (SELECT id FROM {drop})")
    cursor.execute(f"DELETE FROM landdata_plot WHERE id IN (SELECT id FROM {drop})")
    result.plots_removed = max(cursor.rowcount, 0)
    cursor.execute(f"DROP TABLE IF EXISTS {drop}")


# --- the service ---------------------------------------------------------------


def registry_import(
    *,
    path: str | Path,
    file_name: str | None = None,
    replace: bool = False,
    user=None,
    progress: Progress | None = None,
    batch_id: int | None = None,
) -> ImportResult:
    """Import a registry extract (contract §2.1): all rows valid or nothing changes.

    With `batch_id` (a batch created beforehand by the admin upload) progress and a
    refusal are recorded on that batch; otherwise a batch row is written only on success.
    """
    started = time.monotonic()
    name = file_name or Path(path).name
    result = ImportResult()
    try:
        file_kind(path, file_name=name)  # wrong type, empty or too big: refused before reading it
        sha256 = sha256_of(path)
        total = estimate_rows(path)
        if batch_id is not None:
            ImportBatch.objects.filter(pk=batch_id).update(
                status=ImportBatch.Status.RUNNING, sha256=sha256, rows_total=total, rows_done=0
            )
        if progress is None and batch_id is not None:
            progress = import_batch_progress(batch_id=batch_id)
        report = throttled(progress, total)
        with connection.cursor() as cursor:
            try:
                rows, plots = _stage_rows(cursor, path=path, name=name, report=report, total=total)
                result.stage_seconds = time.monotonic() - started
                with transaction.atomic():
                    if connection.vendor == "postgresql":
                        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('landdata.registry_import'))")
                        # Memory for the hash joins of 270,000 staged rows against the tables
                        # (this transaction only), and statistics on the join columns.
                        cursor.execute("SET LOCAL work_mem = '128MB'")
                        # The joins on the plot key (three text columns) are hash joins: a merge
                        # join sorts both sides under the database's collation, which the planner
                        # prices far below its cost (0.6 s against 0.1 s at 270,000 rows). JIT
                        # compilation of these one-off statements costs more than it saves.
                        cursor.execute("SET LOCAL enable_mergejoin = off")
                        cursor.execute("SET LOCAL jit = off")
                        cursor.execute(f"ANALYZE {STAGE_TABLE} ({_STAGE_ANALYZED})")
                    batch = _batch_for(batch_id=batch_id, kind=imports.REGISTRY, name=name,
                                       sha256=sha256, user=user)
                    result.batch_id = batch.pk
                    result.rows = rows
                    with bulkload.indexes_rebuilt_after(
                        cursor, REGISTRY_TABLES, enabled=_worth_rebuilding_indexes(cursor)
                    ) as result.indexes_rebuilt:
                        _upsert(cursor, batch_id=batch.pk, plots=plots, rows=rows, result=result)
                        if replace:
                            _replace(cursor, result=result)
                    result.seconds = time.monotonic() - started
                    result.write_seconds = result.seconds - result.stage_seconds
                    _batch_done(batch, result=result, rows=rows)
            finally:
                _drop_stage(cursor)
    except ImportFailed as exc:
        if batch_id is not None:
            import_batch_fail(batch_id=batch_id, problems=exc.problems)
        raise
    except Exception as exc:
        if batch_id is not None:  # never leave the admin's progress page waiting forever
            import_batch_fail(batch_id=batch_id, problems=[_("Lỗi hệ thống khi nhập: %(error)s") % {"error": exc}])
        raise
    # Including the commit, where PostgreSQL runs the deferred foreign-key checks.
    result.seconds = time.monotonic() - started
    result.write_seconds = result.seconds - result.stage_seconds
    if progress is not None:
        progress(result.rows, result.rows)
    return result


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """The row loop makes no reference cycles, but keeps hundreds of thousands of tuples in the
    validator's memory of keys seen, which Python's cycle collector would walk again and again
    (a fifth of the loop's time at province size). Reference counting still frees every row."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _stage_rows(cursor, *, path, name: str, report: Progress | None, total: int) -> tuple[int, int]:
    """Validate every row and stage the clean ones; (rows, distinct plots). ImportFailed if any is bad."""
    errors = RowErrors()
    validator = _RegistryValidator(errors, timezone.localdate())
    rows = 0
    with _Stage(cursor) as stage, _cyclic_gc_paused():
        for row_no, raw in read_values(path, REGISTRY_COLUMNS, file_name=name):
            rows += 1
            values = validator.row(row_no, raw)
            if values is not None and not errors:
                stage.write(values)
            if report is not None:
                report(rows, max(total, rows))
    errors.raise_if_any(name)
    if rows == 0:
        raise ImportFailed(f"{name}: " + _("tệp chỉ có dòng tiêu đề, không có dữ liệu"))
    return rows, len(validator.plots)


def _batch_for(*, batch_id: int | None, kind: str, name: str, sha256: str, user) -> ImportBatch:
    if batch_id is not None:
        return ImportBatch.objects.get(pk=batch_id)
    return ImportBatch.objects.create(
        kind=kind, file_name=name[:255], sha256=sha256, imported_by=user if user and user.pk else None,
        status=ImportBatch.Status.RUNNING,
    )


def _batch_done(batch: ImportBatch, *, result: ImportResult, rows: int) -> None:
    batch.status = ImportBatch.Status.DONE
    batch.finished_at = timezone.now()
    batch.rows_total = rows
    batch.rows_done = rows
    batch.rows_created = result.land_users_created
    batch.rows_updated = result.land_users_updated
    batch.rows_unchanged = result.land_users_unchanged
    batch.summary = result.summary()
    batch.save()
