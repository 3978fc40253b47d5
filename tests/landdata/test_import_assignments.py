"""The commune assignment list import (contract §2.2)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from collection.assignments import assignments_import
from collection.models import Assignment, CommuneTarget, WorkingGroup
from landdata.models import Commune, FormerCommune, ImportBatch
from landdata.registry_import import registry_import
from landdata.tabular import ImportFailed
from tests.landdata.conftest import SAMPLES, db_fingerprint, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

HEADER = ["commune_code", "commune_name", "old_commune_code", "old_commune_name", "target_plots", "working_group"]
HEADER_VI = ["Mã xã", "Tên xã", "Mã xã cũ", "Tên xã cũ", "Chỉ tiêu", "Tổ công tác"]


def row(commune="09000", name="Phường Đông", former="09001", former_name="Xã An", target="1778", group=""):
    return dict(zip(HEADER, [commune, name, former, former_name, target, group]))


def write(tmp_path, rows, name="assignments.csv", header=HEADER):
    return write_csv(tmp_path / name, rows, header=header, keys=HEADER)


def without_batches(fingerprint):
    return {k: v for k, v in fingerprint.items() if k != "ImportBatch"}


def test_sample_file_and_reimport_is_harmless():
    result = assignments_import(path=SAMPLES / "assignments.csv")
    assert (result.rows, result.targets_set, result.assignments_created) == (60, 20, 60)
    assert Commune.objects.count() == 20 and FormerCommune.objects.count() == 60 and Assignment.objects.count() == 60
    before = without_batches(db_fingerprint())
    again = assignments_import(path=SAMPLES / "assignments.csv")
    assert (again.assignments_created, again.assignments_updated, again.assignments_unchanged) == (0, 0, 60)
    assert without_batches(db_fingerprint()) == before


def test_names_replace_the_registry_placeholders():
    registry_import(path=SAMPLES / "registry_extract.csv")
    assert Commune.objects.get(code="09000").name.startswith("Xã/phường")
    assignments_import(path=SAMPLES / "assignments.csv")
    assert Commune.objects.get(code="09000").name == "Phường 09000"
    assert FormerCommune.objects.get(code="09001").name == "Xã cũ 09001"


def test_groups_targets_and_vietnamese_xlsx(tmp_path):
    rows = [
        ["09000", "Phường Đông", "09001", "Xã An", 1778, "Tổ 1"],
        ["09000", "Phường Đông", "09002", "Xã Bình", 1778.0, "Tổ 2"],
        ["09000", "Phường Đông", "09000", "Phường Đông", "1778", ""],
    ]
    path = write_xlsx(tmp_path / "giao.xlsx", rows, header=HEADER_VI)
    result = assignments_import(path=path)
    assert result.working_groups_created == 2
    assert CommuneTarget.objects.get(commune_id="09000").target_plots == 1778
    assert Assignment.objects.get(former_commune_id="09002").working_group.name == "Tổ 2"
    assert Assignment.objects.get(former_commune_id="09000").working_group is None
    assert WorkingGroup.objects.filter(commune_id="09000").count() == 2


def test_a_corrected_list_moves_a_former_commune_and_says_so(tmp_path):
    assignments_import(path=write(tmp_path, [row(former="09001"), row(commune="09003", name="Xã Tây", former="09004")]))
    moved = write(
        tmp_path, [row(former="09004"), row(commune="09003", name="Xã Tây", former="09001")], name="fixed.csv"
    )
    result = assignments_import(path=moved)
    assert result.former_communes_moved == 2 and "09001" in result.summary()
    assert FormerCommune.objects.get(code="09001").commune_id == "09003"
    assert Assignment.objects.get(former_commune_id="09001").commune_id == "09003"
    assert result.assignments_updated == 2


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([row(), row(former="09002", target="1700")], "row 3: target_plots:"),
        ([row(target="abc")], "row 2: target_plots:"),
        ([row(target="-1")], "row 2: target_plots:"),
        ([row(commune="9x")], "row 2: commune_code:"),
        ([row(former_name="")], "row 2: old_commune_name:"),
        ([row(), row(commune="09003", name="Xã Tây")], "row 3: old_commune_code:"),
        ([row(), row(former="09002", name="Phường Tây")], "row 3: commune_name:"),
        ([], "không có dữ liệu"),
    ],
)
def test_bad_rows_refuse_the_whole_file(tmp_path, rows, expected):
    assignments_import(path=SAMPLES / "assignments.csv")
    before = db_fingerprint()
    path = write(tmp_path, rows)
    with pytest.raises(ImportFailed) as info:
        assignments_import(path=path)
    assert any(expected in p for p in info.value.problems), info.value.problems
    with pytest.raises(CommandError, match=expected):
        call_command("import_assignments", str(path))
    assert db_fingerprint() == before


def test_missing_columns(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("commune_code,commune_name\n09000,X\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="target_plots"):
        assignments_import(path=path)


def test_command_summary(capsys):
    call_command("import_assignments", str(SAMPLES / "assignments.csv"))
    assert len(capsys.readouterr().out.strip().splitlines()) == 1


def test_a_changed_target_is_counted_as_a_change(tmp_path):
    """A corrected list that only raises a commune's target used to say "thay đổi 0"."""
    first = [row(former="09001"), row(former="09002", former_name="Xã Bình"), row(commune="09003", former="09004")]
    created = assignments_import(path=write(tmp_path, first))
    assert (created.targets_created, created.targets_changed, created.rows_created) == (2, 0, 3)

    raised = [dict(r, target_plots="1900") if r["commune_code"] == "09000" else r for r in first]
    result = assignments_import(path=write(tmp_path, raised, name="raised.csv"))
    assert CommuneTarget.objects.get(commune_id="09000").target_plots == 1900
    assert (result.targets_created, result.targets_changed, result.targets_unchanged) == (0, 1, 1)
    assert (result.assignments_updated, result.assignments_unchanged) == (0, 3)
    assert (result.rows_created, result.rows_changed, result.rows_unchanged) == (0, 2, 1)  # the two rows of 09000
    assert "chỉ tiêu mới 0, thay đổi 1, không đổi 1" in result.summary()
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.rows_created, batch.rows_updated, batch.rows_unchanged) == (0, 2, 1)

    again = assignments_import(path=write(tmp_path, raised, name="again.csv"))
    assert (again.targets_changed, again.targets_unchanged, again.rows_changed, again.rows_unchanged) == (0, 2, 0, 3)


def test_a_renamed_commune_changes_its_rows(tmp_path):
    assignments_import(path=write(tmp_path, [row(former="09001"), row(commune="09003", former="09004")]))
    result = assignments_import(
        path=write(
            tmp_path, [row(former="09001", name="Phường Đông Mới"), row(commune="09003", former="09004")], name="b.csv"
        )
    )
    assert result.communes_renamed == 1
    assert (result.rows_changed, result.rows_unchanged) == (1, 1)
