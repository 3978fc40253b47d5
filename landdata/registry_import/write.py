"""Writing the staged rows: a fixed number of set-based statements whatever the row count."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Sequence

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from landdata import bulkload
from landdata.models import Certificate, LandUser, Plot
from landdata.registry_import.copytext import copy_columns
from landdata.registry_import.result import ImportResult
from landdata.registry_import.stage import STAGE_COLUMNS, STAGE_TABLE, stage_rows

# Names given to administrative units the registry mentions before the assignment list has named
# them (data, not interface text: the assignment import overwrites them).
PLACEHOLDER_COMMUNE_NAME = "Xã/phường "
PLACEHOLDER_FORMER_COMMUNE_NAME = "Xã cũ "


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


def worth_rebuilding_indexes(cursor) -> bool:
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


def tables_empty(cursor) -> bool:
    """Whether the plot, certificate and land user tables hold no row at all (a province's first import)."""
    return bool(
        _one(
            cursor,
            "SELECT NOT EXISTS (SELECT 1 FROM landdata_plot) AND NOT EXISTS (SELECT 1 FROM landdata_certificate) "
            "AND NOT EXISTS (SELECT 1 FROM landdata_landuser)",
        )[0]
    )


def _reserve_ids(cursor, table: str, count: int) -> int:
    """The first of `count` consecutive ids taken from the table's sequence (left past the last of them).

    Only while the caller holds the table in ACCESS EXCLUSIVE mode: nothing else can insert into it
    and so draw from its sequence between the two calls."""
    if count < 1:
        return 0
    (first,) = _one(cursor, "SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
    if count > 1:
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first + count - 1])
    return first


def copy_all_new(
    cursor, rows: list[tuple], *, batch_id: int, plots: int, certificates: int, result: ImportResult
) -> None:
    """`upsert` when the plot, certificate and land user tables are empty and locked (a first import).

    Every validated row is then new: they are copied (COPY) straight into the three tables, with no
    staging table, no UPDATE, no NOT EXISTS and no join back to find the ids of the plots and
    certificates just written, because they are chosen here: the validator numbered the plots and
    certificates in the order of the file (plot_no, cert_no), and those numbers are offsets into
    ranges of ids taken from the tables' sequences (land users take theirs in the order of the file
    too, rather than one nextval per row). Same rows, same counts as `upsert`.
    """
    cells = list(zip(*rows))  # a column at a time from here on
    count = len(rows)
    # The communes and former communes: the first row of each (former commune, commune) pair is
    # all that `_units` reads of the stage (codes and row numbers). A dict keeps the last value
    # given for a key: reading backwards, that is the first row.
    pairs = zip(reversed(cells[_FORMER]), reversed(cells[_COMMUNE]))
    firsts = dict(zip(pairs, range(count - 1, -1, -1)))
    stage_rows(cursor, [rows[i] for i in sorted(firsts.values())])
    _units(cursor, result)
    plot_id = _reserve_ids(cursor, Plot._meta.db_table, plots) - 1
    cert_id = _reserve_ids(cursor, Certificate._meta.db_table, certificates) - 1
    user_id = _reserve_ids(cursor, LandUser._meta.db_table, count)
    raw = cursor.cursor  # the psycopg cursor under Django's wrapper

    def only(flags: Sequence[int], column: Sequence) -> list:
        return list(itertools.compress(column, flags))

    plot_first = cells[_PLOT_FIRST]
    copy_columns(
        raw,
        "COPY landdata_plot (id, former_commune_id, sheet_key, number_key, map_sheet, plot_number, area_m2, "
        "land_use, address, batch_id) FROM STDIN",
        [
            list(map(plot_id.__add__, only(plot_first, cells[_PLOT_NO]))),
            *(only(plot_first, column) for column in _plot_cells(cells)),
            [batch_id] * plots,
        ],
    )
    result.plots_created = plots
    cert_first = cells[_CERT_FIRST]
    copy_columns(
        raw,
        "COPY landdata_certificate (id, plot_id, serial, serial_key, book_number, issue_date, status) FROM STDIN",
        [
            list(map(cert_id.__add__, only(cert_first, cells[_CERT_NO]))),
            list(map(plot_id.__add__, only(cert_first, cells[_PLOT_NO]))),
            *(only(cert_first, column) for column in _cert_cells(cells)),
            [Certificate.Status.HELD.value] * certificates,
        ],
    )
    result.certificates_created = certificates
    copy_columns(
        raw,
        "COPY landdata_landuser (id, registry_id, kind, former_id_number, batch_id, plot_id, certificate_id, "
        "full_name, name_folded, birth_year, birth_date, id_number, id_kind, address) FROM STDIN",
        [
            range(user_id, user_id + count),
            cells[_REGISTRY_ID],
            [LandUser.Kind.PERSON.value] * count,
            [""] * count,
            [batch_id] * count,
            list(map(plot_id.__add__, cells[_PLOT_NO])),
            [no + cert_id if named else None for no, named in zip(cells[_CERT_NO], cells[_HAS_CERT])],
            *_user_cells(cells),
        ],
    )
    result.land_users_created = count


# What copy_all_new reads of the staged tuples (stage.STAGE_COLUMNS), by name.
_REGISTRY_ID, _COMMUNE, _FORMER, _PLOT_FIRST, _HAS_CERT, _CERT_FIRST, _PLOT_NO, _CERT_NO = (
    STAGE_COLUMNS.index(name)
    for name in (
        "registry_id",
        "commune_code",
        "former_code",
        "plot_first",
        "has_cert",
        "cert_first",
        "plot_no",
        "cert_no",
    )
)


def _cells(*names: str) -> operator.itemgetter:
    return operator.itemgetter(*(STAGE_COLUMNS.index(name) for name in names))


_plot_cells = _cells(
    "former_code", "sheet_key", "number_key", "map_sheet", "plot_number", "area_m2", "land_use", "plot_address"
)
_cert_cells = _cells("serial", "serial_key", "book_number", "issue_date")
_user_cells = _cells("full_name", "name_folded", "birth_year", "birth_date", "id_number", "id_kind", "address")


def _units(cursor, result: ImportResult) -> None:
    """The province, the communes and former communes the file names (created if new), a note if they disagree."""
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


def upsert(cursor, *, batch_id: int, plots: int, rows: int, result: ImportResult) -> None:
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
    _units(cursor, result)

    plot_values = {
        "map_sheet": "s.map_sheet",
        "plot_number": "s.plot_number",
        "area_m2": "s.area_m2",
        "land_use": "s.land_use",
        "address": "s.plot_address",
    }
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
    user_values = {
        "plot_id": "p.id",
        "certificate_id": "c.id",
        "full_name": "s.full_name",
        "name_folded": "s.name_folded",
        "birth_year": "s.birth_year",
        "birth_date": "s.birth_date",
        "id_number": "s.id_number",
        "id_kind": "s.id_kind",
        "address": "s.address",
    }
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


def replace_absent(cursor, *, result: ImportResult) -> None:
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
    cursor.execute(
        f"CREATE TEMPORARY TABLE {drop} AS SELECT p.id FROM landdata_plot p WHERE {absent} AND NOT ({protected})"
    )
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
