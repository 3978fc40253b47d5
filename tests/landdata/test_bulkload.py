"""Rebuilding the registry tables' indexes around a large import (landdata.bulkload)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from landdata import bulkload
from landdata.models import Certificate, LandUser, Plot
from landdata.registry_import import REGISTRY_TABLES, registry_import
from tests.factories import CollectedRecordFactory
from tests.landdata.conftest import SAMPLES, registry_row, write_csv
from tests.live_celery import test_database_url

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL catalogue and DDL")


@pytest.mark.parametrize(
    ("new_rows", "existing_rows", "expected"),
    [
        (270_000, 0, True),  # first import of a province
        (bulkload.MIN_ROWS, 0, True),
        (bulkload.MIN_ROWS - 1, 0, False),  # small file: keep the indexes
        (150_000, 270_000, True),  # more than half as many new rows as there are
        (100_000, 270_000, False),
        (0, 270_000, False),  # re-import of the same file
        (0, 0, False),
    ],
)
def test_worth_rebuilding(new_rows, existing_rows, expected):
    assert bulkload.worth_rebuilding(new_rows=new_rows, existing_rows=existing_rows) is expected


def schema(tables=REGISTRY_TABLES) -> set[tuple[str, str]]:
    """Every index and constraint definition of the tables, as the catalogue prints them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[])",
            [list(tables)],
        )
        found = set(cursor.fetchall())
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])",
            [list(tables)],
        )
        return found | set(cursor.fetchall())


@postgres_only
@pytest.mark.django_db
def test_large_import_rebuilds_every_index_and_constraint_as_migrated(monkeypatch):
    monkeypatch.setattr(bulkload, "MIN_ROWS", 1)  # the 30-row sample counts as large
    before = schema()
    assert any("gin_trgm_ops" in definition for _, definition in before)

    result = registry_import(path=SAMPLES / "registry_extract.csv")

    assert result.indexes_rebuilt
    assert schema() == before
    with connection.cursor() as cursor:  # the shorter lock wait ended with taking the tables
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "0"
    assert (Plot.objects.count(), Certificate.objects.count(), LandUser.objects.count()) == (30, 30, 30)
    assert LandUser.objects.get(registry_id="R0").plot.area_m2 == 2427


@postgres_only
@pytest.mark.django_db
def test_reimport_keeps_the_indexes(monkeypatch):
    monkeypatch.setattr(bulkload, "MIN_ROWS", 1)
    registry_import(path=SAMPLES / "registry_extract.csv")
    again = registry_import(path=SAMPLES / "registry_extract.csv")
    assert not again.indexes_rebuilt and again.land_users_unchanged == 30


@postgres_only
@pytest.mark.django_db
def test_small_import_next_to_many_rows_keeps_the_indexes(monkeypatch, tmp_path):
    monkeypatch.setattr(bulkload, "MIN_ROWS", 1)
    registry_import(path=SAMPLES / "registry_extract.csv")
    write_csv(tmp_path / "one.csv", [registry_row(registry_id="NEW-1", plot_number="9999")])
    result = registry_import(path=tmp_path / "one.csv")
    assert not result.indexes_rebuilt and result.land_users_created == 1


@postgres_only
@pytest.mark.django_db
def test_large_replace_removes_absent_plots_and_keeps_collected_ones(monkeypatch, tmp_path):
    """Deletes queue foreign-key checks on the plots that campaign tables refer to; they must run
    before the constraints are re-added (PostgreSQL refuses to ALTER a table with pending checks)."""
    monkeypatch.setattr(bulkload, "MIN_ROWS", 1)
    old = [registry_row(registry_id=f"OLD{i}", plot_number=str(i), certificate_serial=f"AA {i:06d}") for i in range(3)]
    registry_import(path=write_csv(tmp_path / "old.csv", old))
    collected = Plot.objects.get(number_key="1")
    CollectedRecordFactory(former_commune=collected.former_commune, map_sheet="12", plot_number="1", plot=collected)
    before = schema()
    new = [
        registry_row(registry_id=f"NEW{i}", plot_number=str(100 + i), certificate_serial=f"AB {i:06d}")
        for i in range(3)
    ]

    result = registry_import(path=write_csv(tmp_path / "new.csv", new), replace=True)

    assert result.indexes_rebuilt and (result.plots_removed, result.plots_kept) == (2, 1)
    assert sorted(Plot.objects.values_list("number_key", flat=True)) == ["1", "100", "101", "102"]
    assert schema() == before


@postgres_only
@pytest.mark.django_db
def test_while_another_transaction_reads_the_tables_the_import_keeps_the_indexes(monkeypatch):
    """A long export holding the plots must not make the import (and every page behind it) wait."""
    import psycopg

    monkeypatch.setattr(bulkload, "MIN_ROWS", 1)
    monkeypatch.setattr(bulkload, "LOCK_WAIT", "200ms")
    reader = psycopg.connect(test_database_url())
    try:
        reader.execute("SELECT 1 FROM landdata_plot LIMIT 1")  # its transaction stays open
        before = schema()
        result = registry_import(path=SAMPLES / "registry_extract.csv")
    finally:
        reader.close()
    assert not result.indexes_rebuilt and result.land_users_created == 30
    assert schema() == before
    with connection.cursor() as cursor:  # the lock wait is back to the server's own
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "0"


@postgres_only
@pytest.mark.django_db
def test_a_load_that_breaks_a_constraint_fails_whole_and_restores_the_schema():
    registry_import(path=SAMPLES / "registry_extract.csv")
    before, plots = schema(), Plot.objects.count()
    duplicate = Plot.objects.values_list("former_commune_id", "sheet_key", "number_key").first()

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        with bulkload.indexes_rebuilt_after(cursor, REGISTRY_TABLES):
            # Nothing stops it while the unique constraint is gone; re-adding it must.
            cursor.execute(
                "INSERT INTO landdata_plot (former_commune_id, sheet_key, number_key, map_sheet, plot_number, "
                "area_m2, land_use, address) VALUES (%s, %s, %s, 'x', 'x', 1, '', '')",
                list(duplicate),
            )

    assert schema() == before and Plot.objects.count() == plots


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_refuses_to_run_outside_a_transaction():
    before = schema()
    with connection.cursor() as cursor, pytest.raises(RuntimeError):
        with bulkload.indexes_rebuilt_after(cursor, REGISTRY_TABLES):
            pass
    assert schema() == before


def test_disabled_or_sqlite_changes_nothing(db):
    with transaction.atomic(), connection.cursor() as cursor:
        with bulkload.indexes_rebuilt_after(cursor, REGISTRY_TABLES, enabled=False) as rebuilt:
            assert rebuilt is False
