"""The official 2025 units (load_admin_units, contract §3) and what the importers check against them."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from collection.assignments import assignments_import
from landdata.admin_units import official_province
from landdata.models import Commune, FormerCommune, Plot
from landdata.registry_import import registry_import
from landdata.tabular import ImportFailed
from tests.landdata.conftest import registry_row

pytestmark = pytest.mark.django_db

ASSIGNMENT_HEADER = "commune_code,commune_name,old_commune_code,old_commune_name,target_plots\n"


def test_the_package_gives_bac_ninh_as_domain_notes_describe_it():
    province = official_province("24")
    assert province.name == "Bắc Ninh"
    assert len(province.units) == 99 and len(province.former_units) == 313
    sizes = sorted(len(u.formers) for u in province.units)
    assert (sizes[0], sizes[-1], sizes[len(sizes) // 2]) == (1, 7, 3)
    nhan_hoa = next(u for u in province.units if u.code == "09253")
    assert nhan_hoa.name == "Phường Nhân Hòa"
    assert [(f.code, f.name) for f in nhan_hoa.formers] == [
        ("09250", "Xã Việt Thống"),
        ("09253", "Phường Đại Xuân"),
        ("09259", "Phường Nhân Hòa"),
    ]
    kien_lao = next(u for u in province.units if u.code == "07552")
    assert (kien_lao.name, [f.code for f in kien_lao.formers]) == ("Xã Kiên Lao", ["07552", "07558"])


def test_load_admin_units_loads_99_units_and_their_313_former_units_idempotently(capsys):
    call_command("load_admin_units", "--province", "24")
    first = capsys.readouterr().out
    assert "99 xã/phường (mới 99" in first and "313 xã cũ (mới 313" in first
    assert Commune.objects.filter(province_id="24").count() == 99
    assert FormerCommune.objects.filter(commune__province_id="24").count() == 313
    ward = Commune.objects.get(code="09253")
    assert ward.name == "Phường Nhân Hòa"
    assert sorted(ward.former_communes.values_list("code", flat=True)) == ["09250", "09253", "09259"]
    assert list(FormerCommune.objects.get(code="09259").merged_into.values_list("code", flat=True)) == ["09253"]

    call_command("load_admin_units", "--province", "24")
    again = capsys.readouterr().out
    assert "mới 0, đổi tên 0" in again and "(mới 0, đổi tên 0, chuyển xã 0)" in again
    assert FormerCommune.merged_into.through.objects.count() == 313


def test_load_admin_units_names_the_placeholders_an_import_created(capsys):
    registry_import(path=_registry_file(registry_row(commune_code="09253", old_commune_code="09259")))
    assert FormerCommune.objects.get(code="09259").name == "Xã cũ 09259"
    call_command("load_admin_units", "--province", "24")
    assert FormerCommune.objects.get(code="09259").name == "Phường Nhân Hòa"
    assert Commune.objects.get(code="09253").name == "Phường Nhân Hòa"
    assert "đổi tên 1" in capsys.readouterr().out


def test_load_admin_units_refuses_an_unknown_province():
    with pytest.raises(CommandError, match="Không có tỉnh mã 99"):
        call_command("load_admin_units", "--province", "99")


def test_the_default_province_is_the_merged_bac_ninh(settings):
    from config.settings import base

    assert base.PROVINCE_CODE == "24"


# --- the registry import: a merged ward's row needs its former commune (contract §2.1) ---------


_tmp = {}


@pytest.fixture(autouse=True)
def _tmp_dir(tmp_path):
    _tmp["dir"] = tmp_path


def _registry_file(*rows):
    from tests.landdata.conftest import write_csv

    return write_csv(_tmp["dir"] / f"registry{len(list(_tmp['dir'].iterdir()))}.csv", list(rows))


def test_a_merged_wards_row_without_its_former_commune_is_refused_naming_the_candidates():
    call_command("load_admin_units", "--province", "24")
    with pytest.raises(ImportFailed) as refused:
        registry_import(path=_registry_file(registry_row(commune_code="09253", old_commune_code="")))
    header, problem = refused.value.problems
    assert "1 lỗi" in header
    assert problem.startswith("row 2: old_commune_code: ")
    for former in ("Xã Việt Thống 09250", "Phường Đại Xuân 09253", "Phường Nhân Hòa 09259"):
        assert former in problem
    assert not Plot.objects.exists()


def test_a_row_of_a_commune_with_one_former_unit_defaults_to_it():
    call_command("load_admin_units", "--province", "24")
    registry_import(path=_registry_file(registry_row(commune_code="07663", old_commune_code="")))
    assert Plot.objects.get().former_commune_id == "07663"


def test_without_the_official_units_a_row_without_former_code_is_the_communes_own():
    registry_import(path=_registry_file(registry_row(commune_code="09000", old_commune_code="")))
    assert Plot.objects.get().former_commune_id == "09000"


def test_the_assignment_lists_merged_ward_is_known_without_the_official_list(tmp_path):
    (tmp_path / "a.csv").write_text(
        ASSIGNMENT_HEADER + "09000,Phường A,09001,Xã B,10\n09000,Phường A,09002,Xã C,10\n", encoding="utf-8"
    )
    assignments_import(path=tmp_path / "a.csv")
    with pytest.raises(ImportFailed, match="Xã B 09001, Xã C 09002"):
        registry_import(path=_registry_file(registry_row(commune_code="09000", old_commune_code="")))


# --- the assignment list checked against the official units (a warning, not a refusal) ----------


def test_assignments_that_disagree_with_the_official_units_are_warned_about(tmp_path):
    call_command("load_admin_units", "--province", "24")
    (tmp_path / "a.csv").write_text(
        ASSIGNMENT_HEADER
        + "09253,Phường Nhân Hòa,09259,Phường Nhân Hòa,1778\n"  # agrees
        + "09253,Phường Nhân Hòa,07558,Xã Kiên Thành,1778\n"  # Kiên Thành went into Kiên Lao
        + "07552,Xã Kiến Lao,07552,Xã Kiên Lao,900\n",  # the name does not match the code
        encoding="utf-8",
    )
    result = assignments_import(path=tmp_path / "a.csv")
    summary = result.summary()
    assert len(result.warnings) == 2
    assert (
        "Xã Kiên Thành (07558) được giao cho Phường Nhân Hòa (09253) nhưng đã sáp nhập vào Xã Kiên Lao (07552)"
        in summary
    )
    assert "mã xã 07552 là Xã Kiên Lao, tệp ghi “Xã Kiến Lao”" in summary
    # Applied anyway (a warning, not a refusal), and the official names are kept.
    assert FormerCommune.objects.get(code="07558").commune_id == "09253"
    assert Commune.objects.get(code="07552").name == "Xã Kiên Lao"


def test_an_assignment_list_in_agreement_has_no_warning(tmp_path):
    call_command("load_admin_units", "--province", "24")
    (tmp_path / "a.csv").write_text(
        ASSIGNMENT_HEADER
        + "".join(
            f"09253,P. Nhân Hoà,{code},{name},1778\n"
            for code, name in (("09250", "Việt Thống"), ("09253", "Đại Xuân"), ("09259", "Nhân Hòa (cũ)"))
        ),
        encoding="utf-8",
    )
    assert assignments_import(path=tmp_path / "a.csv").warnings == []
