"""The temporary staging table the validated rows are copied into before any write."""

from __future__ import annotations

from django.db import connection

from landdata.registry_import.copytext import copy_columns

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
    "plot_no",
    "cert_no",
)
STAGE_DDL = f"""
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
    cert_first smallint NOT NULL,
    plot_no integer NOT NULL,
    cert_no integer NOT NULL
)"""

# The columns the set-based statements join or filter on (ANALYZE only these: it is cheaper).
STAGE_ANALYZED = (
    "former_code, sheet_key, number_key, registry_id, serial_key, book_number, plot_first, cert_first, has_cert"
)


class Stage:
    """The temporary staging table: COPY on PostgreSQL, batched inserts elsewhere.

    Rows are sent in chunks so that no statement is open between chunks (the admin's
    progress updates use the same connection). With `keep` the rows are only kept, in
    `kept`: a first import copies them straight into the registry tables (write.copy_all_new).
    """

    def __init__(self, cursor, *, keep: bool = False):
        self.cursor = cursor
        self.postgres = connection.vendor == "postgresql"
        self.batch = 50_000 if self.postgres else 5_000
        self.pending: list[tuple] = []
        self.kept: list[tuple] | None = [] if keep else None

    def __enter__(self):
        self.cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")
        self.cursor.execute(STAGE_DDL)
        return self

    def write_many(self, rows: list[tuple]) -> None:
        if self.kept is not None:
            self.kept.extend(rows)
            return
        self.pending.extend(rows)
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        columns = ", ".join(STAGE_COLUMNS)
        if self.postgres:
            raw = self.cursor.cursor  # the psycopg cursor under Django's wrapper
            copy_columns(raw, f"COPY {STAGE_TABLE} ({columns}) FROM STDIN", list(zip(*self.pending)))
        else:
            marks = ", ".join(["%s"] * len(STAGE_COLUMNS))
            self.cursor.executemany(f"INSERT INTO {STAGE_TABLE} ({columns}) VALUES ({marks})", self.pending)
        self.pending = []

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.flush()
        return False


def stage_rows(cursor, rows: list[tuple]) -> None:
    """Stage rows validated beforehand (a first import that found the tables written meanwhile)."""
    with Stage(cursor) as stage:
        stage.write_many(rows)


def drop_stage(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}_drop")
