"""A province's first import writes the rows straight, with ids chosen in Python (write.copy_all_new).

It must leave exactly the rows, links, counts and summary that the general path (stage, then
UPDATE/INSERT … SELECT joins, `write.upsert`) leaves, keep the id sequences past the ids it took, and
write nothing at all when a row is bad.
"""

from __future__ import annotations

import pytest
from django.db import connection

from landdata import bulkload
from landdata.models import Certificate, FormerCommune, ImportBatch, LandUser, Plot
from landdata.registry_import import importer, registry_import, write
from landdata.tabular import ImportFailed
from tests.landdata.conftest import SAMPLES, db_fingerprint, registry_row, write_csv

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the first-import path is PostgreSQL's")


def _co_owners_and_bare_plots() -> list[dict]:
    rows = []
    for i in range(12):
        cert = {"certificate_serial": f"AB {i:06d}", "certificate_book_number": f"CH{i:05d}"}
        if i % 4 == 3:  # a plot without a certificate
            cert = {"certificate_serial": "", "certificate_book_number": ""}
        rows.append(registry_row(registry_id=f"R{i}a", plot_number=str(i), owner_name=f"Nguyễn Văn {i}", **cert))
        if i % 3 == 0:  # a co-owner on the same certificate
            rows.append(registry_row(registry_id=f"R{i}b", plot_number=str(i), owner_name=f"Trần Thị {i}", **cert))
        if i % 5 == 0:  # a co-owner with a certificate of their own
            rows.append(
                registry_row(
                    registry_id=f"R{i}c", plot_number=str(i), certificate_serial=f"XY {i:06d}", owner_birth="1970"
                )
            )
    rows.append(registry_row(registry_id="N1", commune_code="09300", old_commune_code="", plot_number="1"))
    rows.append(registry_row(registry_id="B\\1", plot_number="77", owner_name="Lê \\N", owner_address="C:\\x"))
    return rows


def _contents() -> dict[str, list]:
    """Every registry row by its natural key, its links followed to their natural keys too (ids differ)."""
    return {
        "plots": sorted(
            Plot.objects.values_list(
                "former_commune_id",
                "sheet_key",
                "number_key",
                "map_sheet",
                "plot_number",
                "area_m2",
                "land_use",
                "address",
            )
        ),
        "certificates": sorted(
            Certificate.objects.values_list(
                "plot__former_commune_id",
                "plot__sheet_key",
                "plot__number_key",
                "serial",
                "serial_key",
                "book_number",
                "issue_date",
                "status",
            )
        ),
        "land users": sorted(
            LandUser.objects.values_list(
                "registry_id",
                "plot__former_commune_id",
                "plot__sheet_key",
                "plot__number_key",
                "certificate__serial_key",
                "certificate__book_number",
                "kind",
                "full_name",
                "name_folded",
                "birth_year",
                "birth_date",
                "id_number",
                "id_kind",
                "former_id_number",
                "address",
            )
        ),
        "formers": sorted(FormerCommune.objects.values_list("code", "name", "commune_id")),
        "written by the last batch": [
            set(model.objects.values_list("batch_id", flat=True)) == {ImportBatch.objects.latest("pk").pk}
            for model in (Plot, LandUser)
        ],
    }


def _counts(result) -> dict:
    return {k: v for k, v in vars(result).items() if k not in ("seconds", "stage_seconds", "write_seconds", "batch_id")}


def _import(path, monkeypatch, *, first_path: bool, **kwargs):
    written = []
    real = write.copy_all_new

    def spy(*args, **kw):
        written.append(True)
        return real(*args, **kw)

    monkeypatch.setattr(importer, "copy_all_new", spy)
    if not first_path:
        monkeypatch.setattr(importer, "tables_empty", lambda cursor: False)
    result = registry_import(path=path, **kwargs)
    monkeypatch.undo()
    assert bool(written) == first_path
    return result


FILES = {
    "the sample extract": lambda tmp_path: SAMPLES / "registry_extract.csv",
    "the Vietnamese XLSX": lambda tmp_path: SAMPLES / "registry_extract_vi.xlsx",
    "co-owners, shared and own certificates, bare plots": lambda tmp_path: write_csv(
        tmp_path / "co.csv", _co_owners_and_bare_plots()
    ),
}


@postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize("replace", [False, True])
@pytest.mark.parametrize("name", list(FILES))
def test_first_import_writes_what_the_general_path_writes(name, replace, monkeypatch, tmp_path):
    path = FILES[name](tmp_path)
    monkeypatch.setattr(bulkload, "MIN_ROWS", 1)
    general = _import(path, monkeypatch, first_path=False, replace=replace)
    expected = _contents()
    expected_summary = ImportBatch.objects.get(pk=general.batch_id).summary
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE landdata_landuser, landdata_certificate, landdata_plot, landdata_formercommune, "
            "landdata_commune, landdata_importbatch CASCADE"
        )

    monkeypatch.setattr(bulkload, "MIN_ROWS", 1)
    first = _import(path, monkeypatch, first_path=True, replace=replace)

    assert _contents() == expected
    assert _counts(first) == _counts(general) and first.indexes_rebuilt
    batch = ImportBatch.objects.get(pk=first.batch_id)
    assert batch.status == ImportBatch.Status.DONE and batch.rows_created == first.land_users_created
    assert _without_seconds(batch.summary) == _without_seconds(expected_summary)
    # The sequences are past the ids taken: the next rows written one by one do not collide.
    plot = Plot.objects.order_by("-pk").first()
    extra = Plot.objects.create(former_commune=plot.former_commune, map_sheet="999", plot_number="999", area_m2=1)
    cert = Certificate.objects.create(plot=extra, serial="ZZ 1")
    LandUser.objects.create(registry_id="EXTRA", plot=extra, certificate=cert, full_name="X")
    assert extra.pk > plot.pk and cert.pk > Certificate.objects.exclude(pk=cert.pk).order_by("-pk").first().pk


def _without_seconds(summary: str) -> str:
    import re

    return re.sub(r"[\d.,]+ giây", "", summary)


@postgres_only
@pytest.mark.django_db
def test_a_second_import_takes_the_general_path(monkeypatch):
    monkeypatch.setattr(bulkload, "MIN_ROWS", 1)
    registry_import(path=SAMPLES / "registry_extract.csv")
    monkeypatch.setattr(importer, "copy_all_new", lambda *a, **k: pytest.fail("tables not empty"))
    again = registry_import(path=SAMPLES / "registry_extract.csv")
    assert again.land_users_unchanged == 30 and not again.land_users_created


@postgres_only
@pytest.mark.django_db
def test_a_small_first_import_keeps_the_indexes_and_the_general_path(monkeypatch):
    """Ids are chosen in Python only while the tables are locked, i.e. when the indexes are rebuilt."""
    monkeypatch.setattr(importer, "copy_all_new", lambda *a, **k: pytest.fail("tables not locked"))
    result = registry_import(path=SAMPLES / "registry_extract.csv")
    assert not result.indexes_rebuilt and result.land_users_created == 30


@postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad",
    [
        {"area_m2": "abc"},  # refused by the validator, in the last chunk
        {"registry_id": "R0"},  # a duplicate of the first row
    ],
)
def test_a_bad_row_on_a_first_import_writes_nothing(bad, monkeypatch, tmp_path):
    monkeypatch.setattr(bulkload, "MIN_ROWS", 1)
    monkeypatch.setattr(importer, "CHUNK_ROWS", 7)
    rows = [registry_row(registry_id=f"R{i}", plot_number=str(i)) for i in range(30)]
    rows[-1].update(bad)
    before = db_fingerprint()
    with pytest.raises(ImportFailed):
        registry_import(path=write_csv(tmp_path / "bad.csv", rows))
    assert db_fingerprint() == before


@postgres_only
@pytest.mark.django_db
def test_a_failure_while_writing_a_first_import_writes_nothing(monkeypatch):
    monkeypatch.setattr(bulkload, "MIN_ROWS", 1)
    real = write.copy_all_new

    def fail_after_writing(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "copy_all_new", fail_after_writing)
    before = db_fingerprint()
    with pytest.raises(RuntimeError):
        registry_import(path=SAMPLES / "registry_extract.csv")
    assert db_fingerprint() == before


@postgres_only
@pytest.mark.django_db
def test_tables_written_between_the_hint_and_the_lock_take_the_general_path(monkeypatch):
    """The rows kept for a first import are staged after all when the locked tables are no longer empty."""
    monkeypatch.setattr(bulkload, "MIN_ROWS", 1)
    registry_import(path=SAMPLES / "registry_extract.csv")
    before = _contents()
    answers = iter([True])  # the hint, asked before reading, says empty; the locked tables do not
    real = write.tables_empty
    monkeypatch.setattr(importer, "tables_empty", lambda cursor: next(answers, None) or real(cursor))
    monkeypatch.setattr(importer, "copy_all_new", lambda *a, **k: pytest.fail("tables not empty"))
    again = registry_import(path=SAMPLES / "registry_extract.csv", replace=True)
    assert (again.land_users_unchanged, again.land_users_created, again.plots_removed) == (30, 0, 0)
    assert _contents() == before | {"written by the last batch": [False, False]}
