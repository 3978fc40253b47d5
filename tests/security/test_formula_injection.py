"""No file the portal writes runs a formula: a name typed as `=HYPERLINK(...)` or `@SUM(1)` reaches
the reader's spreadsheet as that text, never as a formula (CSV: a leading apostrophe; XLSX: a string
cell), through every writer: export_flags, the admin's CSV and XLSX exports, the Excel reports,
the scan bundle's manifest and intake_photos' proposals."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from collection.models import Role
from landdata import safe_cells
from landdata.admin import NamedExport
from landdata.resources import LandUserResource
from tests.factories import (
    AssignmentFactory,
    CertificateFactory,
    CollectedRecordFactory,
    CommuneFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
    ProvinceFactory,
    user_with_scope,
)
from tests.reports.factories import FlagFactory

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://x","y")'
SUM = "@SUM(1)"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (LINK, "'" + LINK),
        (SUM, "'@SUM(1)"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-5", "-5"),  # a number written as text stays a number
        ("+84", "+84"),
        ("1,5", "1,5"),
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("", ""),
        (-5, -5),
        (Decimal("-2.5"), Decimal("-2.5")),
        (None, None),
    ],
)
def test_csv_cell(value, cell):
    assert safe_cells.csv_cell(value) == cell


def _assert_no_formula(book: openpyxl.Workbook, *texts: str) -> None:
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)
                seen.add(cell.value)
    for text in texts:
        assert text in seen, text


@pytest.fixture
def evil_plot():
    commune = CommuneFactory(code="10001")
    former = FormerCommuneFactory(code="10001", commune=commune)
    AssignmentFactory(former_commune=former, commune=commune)
    plot = PlotFactory(former_commune=former, map_sheet="1", plot_number="1", area_m2=Decimal("100"))
    cert = CertificateFactory(plot=plot, serial="BĐ 000001")
    LandUserFactory(plot=plot, certificate=cert, full_name=LINK, address=SUM, id_number="001060012345")
    record = CollectedRecordFactory(former_commune=former, map_sheet="1", plot_number="1", plot=plot, holder_name=LINK)
    return plot, record


def test_export_flags_csv(evil_plot, tmp_path):
    _plot, record = evil_plot
    FlagFactory(record=record, code="OWNER_NAME_MISMATCH", registry_value=SUM, collected_value=LINK)
    out = tmp_path / "flags.csv"
    call_command("export_flags", str(out))
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][5:7] == ["registry_value", "collected_value"]  # contract §4 columns kept
    assert rows[1][5:7] == ["'" + SUM, "'" + LINK]


@pytest.fixture
def province_admin(client):
    user = user_with_scope(Role.ADMIN, province=ProvinceFactory(), username="tinh")
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def _admin_export(client, fmt: int) -> bytes:
    fields = {f"landuserresource_{name}": "on" for name in LandUserResource().get_export_order()}
    response = client.post(reverse("admin:landdata_landuser_export"), {"resource": "0", "format": str(fmt), **fields})
    assert response.status_code == 200, response.content[:500]
    return response.content


def test_admin_csv_export(evil_plot, province_admin):
    rows = list(csv.reader(io.StringIO(_admin_export(province_admin, 0).decode("utf-8-sig"))))
    header, body = rows[0], rows[1]
    row = dict(zip(header, body, strict=True))
    assert row["full_name"] == "'" + LINK and row["address"] == "'" + SUM


def test_admin_xlsx_export_has_string_cells_and_numbers(evil_plot, province_admin):
    LandUserFactory(full_name="Trần Thị Bình", birth_year=1975)
    book = openpyxl.load_workbook(io.BytesIO(_admin_export(province_admin, 1)))
    _assert_no_formula(book, LINK, SUM)
    header = [c.value for c in book.active[1]]
    years = [row[header.index("birth_year")] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(years) == [1960, 1975]  # numbers stay numbers


def test_every_admin_export_offers_only_safe_formats():
    from django.contrib import admin
    from import_export.admin import ExportMixin

    exporting = [a for a in admin.site._registry.values() if isinstance(a, ExportMixin)]
    assert exporting
    for model_admin in exporting:
        assert isinstance(model_admin, NamedExport), type(model_admin)
        assert model_admin.get_export_formats() == safe_cells.SAFE_EXPORT_FORMATS


@pytest.mark.parametrize("name", ["reports:export_plots", "reports:export_office"])
def test_report_xlsx(evil_plot, client, name):
    reviewer = user_with_scope(Role.ADMIN, province=evil_plot[0].former_commune.commune.province)
    client.force_login(reviewer)
    response = client.get(reverse(name, kwargs={"code": "10001"}))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    _assert_no_formula(book, LINK)


def test_bundle_manifest(tmp_path):
    from reports.bundles import _write_zip
    from tests.reports.factories import ScanFactory

    record = CollectedRecordFactory(map_sheet="=1+1", plot_number="@2")
    scan = ScanFactory(record=record)
    path = tmp_path / "b.zip"
    _write_zip(str(path), type(scan).objects.select_related("record", "uploaded_by"), bundle_pk=1)
    with zipfile.ZipFile(path) as archive:
        manifest = archive.read("manifest.csv").decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(manifest)))[1]
    assert row[1:3] == ["'=1+1", "'@2"]


def test_intake_photos_proposals(tmp_path):
    CommuneFactory(code="10001")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "=cmd.jpg").write_bytes(b"not an image")
    out = tmp_path / "p.csv"
    call_command("intake_photos", str(folder), "--commune", "10001", "--out", str(out))
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][0] == "'=cmd.jpg"
