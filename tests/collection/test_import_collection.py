"""import_collection: the sample file, bad rows (all or nothing), re-import, XLSX, links."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from collection.models import CollectedRecord
from collection.signals import records_imported
from tests.factories import CommuneFactory, FormerCommuneFactory, PlotFactory, UserFactory

pytestmark = pytest.mark.django_db
SAMPLE = str(Path(__file__).resolve().parents[1] / "fixtures" / "collection_records.csv")
HEADER = (
    "old_commune_code,map_sheet,plot_number,holder_name,holder_birth,holder_id_number,"
    "certificate_serial,area_m2,certificate_status,owner_far_away,collected_by,collected_on,channel\n"
)


@pytest.fixture
def registry():
    """The first plot (sheet 1, plot 1) of the sample's former communes 09000-09005."""
    ward = CommuneFactory(code="09000")
    plots = {}
    for n in range(6):
        fc = FormerCommuneFactory(code=f"0900{n}", commune=ward)
        plots[fc.code] = PlotFactory(former_commune=fc, map_sheet="1", plot_number="1")
    return plots


@pytest.fixture
def signals():
    sent = []
    records_imported.connect(lambda sender, record_ids, **kw: sent.extend(record_ids), weak=False, dispatch_uid="imp")
    yield sent
    records_imported.disconnect(dispatch_uid="imp")


def run(path, capsys):
    call_command("import_collection", str(path))
    return capsys.readouterr().out


def test_sample_file(registry, signals, capsys):
    official = UserFactory(username="canbo01")
    out = run(SAMPLE, capsys)
    assert "7 rows, 7 records created" in out and "1 not in registry" in out and len(out.strip().splitlines()) == 1
    records = CollectedRecord.objects.order_by("former_commune_id", "sheet_key")
    assert records.count() == 7
    assert all(r.status == "submitted" and r.source == "import" and r.submitted_at for r in records)
    assert all(r.collected_by_user == official for r in records)
    hanh = records.get(holder_name="Đặng Văn Hạnh")
    assert hanh.plot == registry["09002"] and hanh.certificate_status == "lost"
    assert hanh.area_m2 == Decimal("230.80") and hanh.land_use == "CLN+ONT" and hanh.holder_birth_year == 1945
    assert records.get(former_commune_id="09005", map_sheet="99").plot is None
    assert records.get(former_commune_id="09003").actual_user_name == "Lê Văn Thuê"
    assert sorted(signals) == sorted(r.pk for r in records)


def test_reimport_is_harmless(registry, signals, capsys, tmp_path):
    run(SAMPLE, capsys)
    copy = tmp_path / "again.csv"
    shutil.copy(SAMPLE, copy)
    out = run(copy, capsys)
    assert "0 records created, 7 already imported" in out
    assert CollectedRecord.objects.count() == 7
    assert len(signals) == 7


def test_collector_without_account_is_kept_as_text(registry, capsys):
    run(SAMPLE, capsys)
    assert set(CollectedRecord.objects.values_list("collected_by", "collected_by_user")) == {("canbo01", None)}


def test_every_bad_row_is_reported_and_nothing_written(registry, signals, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER
        + "09000,1,1,Nguyễn Văn A,31/02/1945,,,100,held,0,cb,15/10/2025,home_visit\n"  # row 2: no such date
        + "09000,1,2,Nguyễn Văn B,1960,,,abc,burnt,0,cb,15/10/2025,pigeon\n"  # row 3: three problems
        + "99999,1,3,Nguyễn Văn C,1960,,,100,held,0,cb,15/10/2025,\n"  # row 4: unknown former commune
        + "09000,1,4,,1960,,,100,held,0,,01/01/2999,\n"  # row 5: name, collector, future date
        + "09000,1,5,Nguyễn Văn D,1960,,,100,held,0,cb,15/10/2025,office\n",  # row 6: fine
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as exc_info:
        call_command("import_collection", str(bad))
    assert exc_info.value.returncode == 1
    assert CollectedRecord.objects.count() == 0 and signals == []
    err = capsys.readouterr().err
    assert "row 2:" in err and "row 6" not in err  # the good row is not reported, and not written either


def test_bad_rows_messages(registry, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER
        + "09000,1,1,Nguyễn Văn A,31/02/1945,,,100,held,0,cb,15/10/2025,home_visit\n"
        + "09000,1,2,Nguyễn Văn B,1960,,,abc,burnt,0,cb,15/10/2025,pigeon\n"
        + "99999,1,3,Nguyễn Văn C,1960,,,100,held,0,cb,15/10/2025,\n"
        + "09000,1,4,,1960,,,100,held,0,,01/01/2999,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("import_collection", str(bad))
    err = capsys.readouterr().err
    for expected in (
        "row 2: holder_birth:",
        "row 3: area_m2:",
        "row 3: certificate_status:",
        "row 3: channel:",
        "row 4: old_commune_code:",
        "row 5: holder_name:",
        "row 5: collected_by:",
        "row 5: collected_on:",
    ):
        assert expected in err, expected


def test_vietnamese_headers_xlsx(registry, capsys, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "Mã xã cũ",
            "Số tờ",
            "Số thửa",
            "Họ tên người đứng tên",
            "Ngày sinh",
            "Số CCCD",
            "Diện tích",
            "Chủ ở xa",
            "Người thu thập",
            "Ngày thu thập",
        ]
    )
    sheet.append([9001, 1, 1, "Trần Minh Cường", 1957, "105032582", 2297.6, "có", "canbo02", "2025-10-16"])
    path = tmp_path / "records.xlsx"
    book.save(path)
    out = run(path, capsys)
    assert "1 records created" in out
    record = CollectedRecord.objects.get()
    assert record.former_commune_id == "09001" and record.plot == registry["09001"]
    assert record.owner_far_away is True and record.holder_id_number == "105032582"


@pytest.mark.parametrize("number", ["027075605136", "09704560513", "097045605136", "BĐ 123456", "12345"])
def test_invalid_id_numbers_are_kept_for_matching_not_refused(registry, capsys, tmp_path, number):
    """Unlike the form, the import keeps a wrong ID as written: matching raises ID_INVALID for it."""
    path = tmp_path / "ids.csv"
    path.write_text(HEADER + f"09000,1,1,Nguyễn Văn A,1945,{number},,100,held,0,cb,15/10/2025,\n", encoding="utf-8")
    run(path, capsys)
    assert CollectedRecord.objects.get().holder_id_number == number.replace(" ", "")


def test_an_id_too_long_to_store_is_a_row_error(registry, tmp_path, capsys):
    path = tmp_path / "ids.csv"
    path.write_text(
        HEADER + "09000,1,1,Nguyễn Văn A,1945,1234567890123456789012,,100,held,0,cb,15/10/2025,\n", encoding="utf-8"
    )
    with pytest.raises(CommandError):
        call_command("import_collection", str(path))
    assert "row 2: holder_id_number:" in capsys.readouterr().err
