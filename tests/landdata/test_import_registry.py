"""The registry extract import (contract §2.1, §3): formats, rules, all-or-nothing, re-import."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from landdata.models import Certificate, Commune, FormerCommune, ImportBatch, LandUser, Plot
from landdata.registry_import import registry_import
from landdata.tabular import ImportFailed
from tests.factories import CollectedRecordFactory, PlotFactory
from tests.landdata.conftest import (
    REGISTRY_HEADER,
    REGISTRY_HEADER_VI,
    SAMPLES,
    db_fingerprint,
    registry_row,
    write_csv,
    write_xlsx,
)
from tests.live_celery import test_database_url

pytestmark = pytest.mark.django_db


def without_batches(fingerprint):
    return {k: v for k, v in fingerprint.items() if k != "ImportBatch"}


# --- good files ------------------------------------------------------------------


def test_sample_csv_english_headers_decimal_commas():
    result = registry_import(path=SAMPLES / "registry_extract.csv")
    assert (result.rows, result.plots_created, result.land_users_created) == (30, 30, 30)
    assert Plot.objects.count() == 30 and LandUser.objects.count() == 30 and Certificate.objects.count() == 30
    user = LandUser.objects.select_related("plot", "certificate").get(registry_id="R0")
    assert user.plot.former_commune_id == "09000"
    assert user.plot.area_m2 == Decimal("2427.00")
    assert user.full_name == "Trần Thị Long" and user.name_folded == "tran thi long"
    assert (user.birth_year, user.birth_date) == (1971, None)
    assert user.certificate.serial == "BA 000000" and user.certificate.serial_key == "BA000000"
    assert user.certificate.issue_date == dt.date(2010, 2, 1)
    assert LandUser.objects.get(registry_id="R1").id_kind == LandUser.IdKind.CMND
    assert LandUser.objects.get(registry_id="R2").id_kind == LandUser.IdKind.CCCD
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert batch.status == ImportBatch.Status.DONE and batch.rows_total == 30 and len(batch.sha256) == 64
    # Province and communes created with placeholders until the assignment list names them.
    assert Commune.objects.get(code="09000").province_id == "24"
    assert FormerCommune.objects.get(code="09001").commune_id == "09000"


def test_sample_xlsx_vietnamese_headers_gives_the_same_data_as_the_csv():
    registry_import(path=SAMPLES / "registry_extract.csv")
    before = without_batches(db_fingerprint())
    result = registry_import(path=SAMPLES / "registry_extract_vi.xlsx")
    assert (result.plots_unchanged, result.land_users_unchanged) == (30, 30)
    assert (result.plots_created, result.plots_updated, result.land_users_created, result.land_users_updated) == (
        0,
    ) * 4
    assert without_batches(db_fingerprint()) == before


def test_xlsx_alone_imports(tmp_path):
    result = registry_import(path=SAMPLES / "registry_extract_vi.xlsx")
    assert result.land_users_created == 30


@pytest.mark.parametrize("bom", [True, False])
def test_csv_with_and_without_bom_vietnamese_headers(tmp_path, bom):
    path = write_csv(tmp_path / "vi.csv", [registry_row()], header=REGISTRY_HEADER_VI, keys=REGISTRY_HEADER, bom=bom)
    registry_import(path=path)
    assert LandUser.objects.get(registry_id="R1").full_name == "Nguyễn Văn An"


def test_nfd_text_is_stored_as_nfc(tmp_csv):
    nfd = unicodedata.normalize("NFD", "Đặng Thị Thuỷ")
    registry_import(
        path=tmp_csv([registry_row(owner_name=nfd, plot_address=unicodedata.normalize("NFD", "Thôn Đông"))])
    )
    user = LandUser.objects.select_related("plot").get()
    assert user.full_name == unicodedata.normalize("NFC", "Đặng Thị Thuỷ")
    assert user.plot.address == "Thôn Đông"
    assert user.name_folded == "dang thi thuy"


@pytest.mark.parametrize(
    ("birth", "year", "date"),
    [
        ("1941", 1941, None),
        ("05/03/1952", 1952, dt.date(1952, 3, 5)),
        ("1952-03-05", 1952, dt.date(1952, 3, 5)),
        ("", None, None),
    ],
)
def test_birth_dates_full_or_year_only(tmp_csv, birth, year, date):
    registry_import(path=tmp_csv([registry_row(owner_birth=birth)]))
    user = LandUser.objects.get()
    assert (user.birth_year, user.birth_date) == (year, date)


def test_co_owners_share_plot_and_certificate_and_keys_are_normalised(tmp_csv):
    rows = [
        registry_row(registry_id="R1", owner_name="Nguyễn Văn An", map_sheet="012", plot_number="45a"),
        registry_row(registry_id="R2", owner_name="Lê Thị Bình", map_sheet="12", plot_number="45A"),
    ]
    result = registry_import(path=tmp_csv(rows))
    assert (result.plots_created, result.land_users_created, result.certificates_created) == (1, 2, 1)
    plot = Plot.objects.get()
    assert (plot.sheet_key, plot.number_key) == ("12", "45A")
    assert set(plot.land_users.values_list("certificate__serial", flat=True)) == {"BĐ 123456"}


def test_merged_communes_with_overlapping_plot_numbers_are_distinct_plots(tmp_csv):
    rows = [
        registry_row(registry_id="R1", old_commune_code="09001"),
        registry_row(registry_id="R2", old_commune_code="09002", certificate_serial="BĐ 999999"),
        registry_row(registry_id="R3", old_commune_code="", commune_code="09000", certificate_serial="BĐ 888888"),
    ]
    registry_import(path=tmp_csv(rows))
    assert sorted(Plot.objects.values_list("former_commune_id", flat=True)) == ["09000", "09001", "09002"]
    assert set(FormerCommune.objects.values_list("commune_id", flat=True)) == {"09000"}


def test_reimport_creates_no_duplicates_and_changes_nothing(tmp_csv):
    path = tmp_csv([registry_row(registry_id=f"R{i}", plot_number=str(i)) for i in range(1, 6)])
    registry_import(path=path)
    before = without_batches(db_fingerprint())
    again = registry_import(path=path)
    assert (again.plots_created, again.plots_updated, again.plots_unchanged) == (0, 0, 5)
    assert (again.land_users_created, again.land_users_updated, again.land_users_unchanged) == (0, 0, 5)
    assert (again.certificates_created, again.certificates_updated) == (0, 0)
    assert without_batches(db_fingerprint()) == before


def test_reimport_with_a_corrected_row_updates_only_it(tmp_csv, tmp_path):
    rows = [registry_row(registry_id=f"R{i}", plot_number=str(i)) for i in range(1, 4)]
    registry_import(path=tmp_csv(rows))
    rows[1] = registry_row(registry_id="R2", plot_number="2", area_m2="300", owner_id_number="027060123456")
    result = registry_import(path=write_csv(tmp_path / "fixed.csv", rows))
    assert (result.plots_updated, result.plots_unchanged) == (1, 2)
    assert (result.land_users_updated, result.land_users_unchanged) == (1, 2)
    user = LandUser.objects.select_related("plot").get(registry_id="R2")
    assert user.plot.area_m2 == Decimal("300.00") and user.id_kind == LandUser.IdKind.CCCD


def test_xlsx_numbers_from_spreadsheet_cells(tmp_path):
    """Excel stores codes, sheets and IDs as numbers: 9000.0 is commune 09000, 105032582.0 a CMND."""
    row = [
        1001,
        9000,
        9001.0,
        12.0,
        345,
        250.5,
        "ONT",
        "Thôn 1",
        "Nguyễn Văn An",
        1960.0,
        105032582.0,
        "",
        "BĐ 123456",
        "CH00120",
        dt.datetime(2010, 2, 1),
    ]
    path = write_xlsx(tmp_path / "numbers.xlsx", [row], header=REGISTRY_HEADER)
    registry_import(path=path)
    user = LandUser.objects.select_related("plot", "certificate").get()
    assert user.registry_id == "1001"
    assert (user.plot.former_commune_id, user.plot.map_sheet, user.plot.plot_number) == ("09001", "12", "345")
    assert user.plot.area_m2 == Decimal("250.50")
    assert (user.birth_year, user.id_number, user.id_kind) == (1960, "105032582", "cmnd")
    assert user.certificate.issue_date == dt.date(2010, 2, 1)


def test_xlsx_that_declares_a_wrong_size_is_read_whole(tmp_path):
    """Registry exports often carry a stale <dimension>; a reader trusting it (openpyxl's
    read-only mode) would see 3 rows and 3 columns here and miss the rest."""
    import re
    import zipfile

    rows = [registry_row(registry_id=f"R{i}", plot_number=str(i)) for i in range(1, 41)]
    good = write_xlsx(tmp_path / "good.xlsx", [[r[k] for k in REGISTRY_HEADER] for r in rows], header=REGISTRY_HEADER)
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(stale, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, replaced = re.subn(rb'<dimension ref="[^"]+" */>', b'<dimension ref="A1:C3"/>', data)
                assert replaced == 1
            dst.writestr(item, data)

    result = registry_import(path=stale)

    assert (result.rows, result.plots_created, result.land_users_created) == (40, 40, 40)
    assert LandUser.objects.get(registry_id="R40").certificate.issue_date == dt.date(2010, 2, 1)


def test_import_registry_command_prints_one_line_summary(capsys):
    call_command("import_registry", str(SAMPLES / "registry_extract.csv"))
    out = capsys.readouterr().out.strip()
    assert len(out.splitlines()) == 1 and "30" in out


# --- --replace -------------------------------------------------------------------


def test_replace_removes_plots_absent_from_the_file_but_keeps_collected_ones(tmp_csv, tmp_path):
    rows = [
        registry_row(registry_id=f"R{i}", plot_number=str(i), certificate_serial=f"AA {i:06d}") for i in range(1, 5)
    ]
    registry_import(path=tmp_csv(rows))
    collected_plot = Plot.objects.get(number_key="3")
    CollectedRecordFactory(
        former_commune=collected_plot.former_commune, map_sheet="12", plot_number="3", plot=collected_plot
    )
    smaller = write_csv(tmp_path / "smaller.csv", rows[:2])
    result = registry_import(path=smaller, replace=True)
    assert (result.plots_removed, result.plots_kept) == (1, 1)
    assert sorted(Plot.objects.values_list("number_key", flat=True)) == ["1", "2", "3"]
    assert sorted(LandUser.objects.values_list("registry_id", flat=True)) == ["R1", "R2", "R3"]
    assert not Certificate.objects.filter(plot__number_key="4").exists()
    assert "giữ lại 1" in result.summary()


def test_without_replace_nothing_is_removed(tmp_csv, tmp_path):
    rows = [registry_row(registry_id=f"R{i}", plot_number=str(i)) for i in range(1, 4)]
    registry_import(path=tmp_csv(rows))
    registry_import(path=write_csv(tmp_path / "one.csv", rows[:1]))
    assert Plot.objects.count() == 3


# --- bad input: refused, database exactly as before -----------------------------


@pytest.fixture
def existing_data():
    """Some registry data already there, so 'nothing changed' is a real check."""
    registry_import(path=SAMPLES / "registry_extract.csv")
    return db_fingerprint()


def assert_refused(path, *, expected: str, existing):
    with pytest.raises(ImportFailed) as info:
        registry_import(path=path)
    assert any(expected in line for line in info.value.problems), info.value.problems
    if expected.startswith("row "):  # contract §2: each bad row on a line of its own, as `row N: column: problem`
        assert any(line.startswith(expected) for line in info.value.problems), info.value.problems
    assert db_fingerprint() == existing
    with pytest.raises(CommandError) as command_info:
        call_command("import_registry", str(path))
    assert expected in str(command_info.value)
    assert db_fingerprint() == existing
    return info.value.problems


def test_pdf_renamed_csv_is_refused(tmp_path, existing_data):
    path = tmp_path / "registry.csv"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    assert_refused(path, expected="PDF", existing=existing_data)


def test_png_renamed_csv_is_refused(tmp_path, existing_data):
    path = tmp_path / "registry.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert_refused(path, expected="PNG", existing=existing_data)


def test_empty_file_is_refused(tmp_path, existing_data):
    path = tmp_path / "registry.csv"
    path.write_bytes(b"")
    assert_refused(path, expected="rỗng", existing=existing_data)


def test_header_only_is_refused(tmp_csv, existing_data):
    assert_refused(tmp_csv([]), expected="không có dữ liệu", existing=existing_data)


def test_missing_required_columns_are_named(tmp_path, existing_data):
    header = [h for h in REGISTRY_HEADER if h not in ("owner_name", "area_m2")]
    path = write_csv(tmp_path / "registry.csv", [registry_row()], header=header)
    problems = assert_refused(path, expected="owner_name (Họ tên chủ sử dụng)", existing=existing_data)
    assert "area_m2 (Diện tích)" in problems[0]


def test_invalid_row_in_csv_names_row_and_column(tmp_csv, existing_data):
    rows = [
        registry_row(registry_id="N1", plot_number="901"),
        registry_row(registry_id="N2", plot_number="902", area_m2="abc"),
    ]
    problems = assert_refused(tmp_csv(rows), expected="row 3: area_m2:", existing=existing_data)
    assert problems[0].startswith("registry.csv: ")
    assert len(problems) == 2  # the file line, then the one bad row


def test_invalid_row_in_xlsx_names_row_and_column(tmp_path, existing_data):
    good = [registry_row(registry_id="N1", plot_number="901")[k] for k in REGISTRY_HEADER]
    bad = [registry_row(registry_id="N2", plot_number="902", commune_code="9x")[k] for k in REGISTRY_HEADER]
    path = write_xlsx(tmp_path / "registry.xlsx", [good, good[:0] or good, bad], header=REGISTRY_HEADER_VI)
    problems = assert_refused(path, expected="row 4: commune_code:", existing=existing_data)
    assert problems[0].startswith("registry.xlsx: ")
    assert any("row 3: registry_id:" in p and "dòng 2" in p for p in problems)  # duplicate of row 2


def test_every_bad_row_is_reported(tmp_csv, existing_data):
    rows = [
        registry_row(registry_id="N1", plot_number="901", owner_id_number="BĐ 123456"),  # a serial in the ID field
        registry_row(registry_id="N2", plot_number="902", owner_birth="31/02/1960"),
        registry_row(registry_id="N3", plot_number="903", certificate_issue_date="01/01/2099"),
        registry_row(registry_id="N4", plot_number="904", owner_name=""),
        registry_row(registry_id="N5", plot_number="905", land_use="ONT+12"),
        registry_row(registry_id="N6", plot_number="906", old_commune_code="123456"),
    ]
    problems = assert_refused(tmp_csv(rows), expected="row 2: owner_id_number:", existing=existing_data)
    expected = [
        "row 3: owner_birth:",
        "row 4: certificate_issue_date:",
        "row 5: owner_name:",
        "row 6: land_use:",
        "row 7: old_commune_code:",
    ]
    for part in expected:
        assert any(part in p for p in problems), (part, problems)


def test_rows_of_one_plot_that_disagree_are_refused_naming_both_rows(tmp_csv, existing_data):
    rows = [
        registry_row(registry_id="N1", plot_number="901"),
        registry_row(registry_id="N2", plot_number="901", area_m2="999"),
    ]
    problems = assert_refused(tmp_csv(rows), expected="row 3: area_m2:", existing=existing_data)
    assert "dòng 2" in problems[1]


@pytest.mark.parametrize("encoding", ["cp1258", "latin-1"])
def test_non_utf8_file_is_refused_with_advice(tmp_path, existing_data, encoding):
    if encoding == "cp1258":
        row = registry_row(owner_name="Hà Văn Đông", plot_address="Thôn 1")
    else:  # latin-1 has no Vietnamese letters: a Western-European export
        row = registry_row(
            owner_name="José Müller", plot_address="Rue Été", certificate_serial="BD 123456", owner_address="Xom 2"
        )
    path = write_csv(tmp_path / "registry.csv", [row], encoding=encoding)
    assert_refused(path, expected="CSV UTF-8", existing=existing_data)


def test_file_over_the_size_limit_is_refused(tmp_path, settings, existing_data):
    settings.IMPORT_MAX_BYTES = 10 * 1024 * 1024
    path = tmp_path / "big.csv"
    line = ",".join(registry_row().values()).encode() + b"\n"
    with open(path, "wb") as out:
        out.write(",".join(REGISTRY_HEADER).encode() + b"\n")
        block = line * 10_000
        while out.tell() < 50 * 1024 * 1024:
            out.write(block)
    problems = assert_refused(path, expected="tệp quá lớn", existing=existing_data)
    assert "10 MB" in problems[0]


def import_registry_in_a_subprocess(path: Path) -> subprocess.CompletedProcess:
    """`manage.py import_registry path` as a user runs it, against the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("the subprocess reaches the test database only on PostgreSQL")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": test_database_url(),
    }
    root = Path(__file__).resolve().parents[2]
    return subprocess.run(
        [sys.executable, "manage.py", "import_registry", str(path)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_command_exit_status_from_a_subprocess(tmp_path):
    """The real exit codes: 1 with every problem on stderr, 0 with a one-line summary."""
    bad = write_csv(
        tmp_path / "bad.csv",
        [registry_row(area_m2="abc"), registry_row(registry_id="R2", plot_number="9", owner_name="")],
    )
    run = import_registry_in_a_subprocess(bad)
    assert run.returncode == 1
    assert "row 2: area_m2:" in run.stderr and "row 3: owner_name:" in run.stderr


@pytest.mark.django_db(transaction=True)
def test_command_exit_status_zero_from_a_subprocess(tmp_path):
    run = import_registry_in_a_subprocess(SAMPLES / "registry_extract.csv")
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.strip().splitlines()) == 1
    assert LandUser.objects.count() == 30


def test_existing_plot_made_by_the_orm_is_matched_by_key(tmp_csv):
    """Plots saved through the ORM and through the bulk path share the same derived keys."""
    from tests.factories import FormerCommuneFactory

    former = FormerCommuneFactory(code="09001", commune__code="09000")
    PlotFactory(
        former_commune=former,
        map_sheet="12",
        plot_number="345",
        area_m2=Decimal("250.5"),
        land_use="CLN+ONT",
        address="Thôn 1",
    )
    result = registry_import(path=tmp_csv([registry_row(map_sheet="012", plot_number="345")]))
    assert (result.plots_created, result.plots_updated, result.plots_unchanged) == (0, 1, 0)  # map_sheet text differs
    assert Plot.objects.count() == 1


def test_registry_never_moves_a_former_commune_but_says_when_it_disagrees(tmp_csv, tmp_path):
    registry_import(path=tmp_csv([registry_row(commune_code="09000", old_commune_code="09001")]))
    result = registry_import(
        path=write_csv(tmp_path / "other.csv", [registry_row(commune_code="09003", old_commune_code="09001")])
    )
    assert FormerCommune.objects.get(code="09001").commune_id == "09000"
    assert "1 xã cũ" in result.summary()


def test_progress_percentage_only_on_a_terminal():
    import io

    from landdata.management.commands.import_registry import tty_progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert tty_progress(io.StringIO()) is None
    screen = Terminal()
    report = tty_progress(screen)
    report(50, 200)
    report(200, 200)
    assert " 25% (50/200)" in screen.getvalue() and screen.getvalue().endswith("100% (200/200)\n")


def test_progress_callback_is_called_a_bounded_number_of_times(tmp_csv):
    calls = []
    rows = [
        registry_row(registry_id=f"R{i}", plot_number=str(i), certificate_serial=f"AA {i:06d}") for i in range(3000)
    ]
    registry_import(path=tmp_csv(rows), progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (3000, 3000)
    assert 2 <= len(calls) <= 102
