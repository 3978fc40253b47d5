"""Helpers for importer tests: write CSV/XLSX files and fingerprint the database."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures"

REGISTRY_HEADER = [
    "registry_id",
    "commune_code",
    "old_commune_code",
    "map_sheet",
    "plot_number",
    "area_m2",
    "land_use",
    "plot_address",
    "owner_name",
    "owner_birth",
    "owner_id_number",
    "owner_address",
    "certificate_serial",
    "certificate_book_number",
    "certificate_issue_date",
]
REGISTRY_HEADER_VI = [
    "Mã hồ sơ",
    "Mã xã",
    "Mã xã cũ",
    "Số tờ",
    "Số thửa",
    "Diện tích",
    "Mục đích sử dụng",
    "Địa chỉ thửa đất",
    "Họ tên chủ sử dụng",
    "Năm sinh",
    "Số giấy tờ tùy thân",
    "Địa chỉ thường trú",
    "Số phát hành GCN",
    "Số vào sổ",
    "Ngày cấp GCN",
]


def registry_row(**overrides) -> dict:
    row = {
        "registry_id": "R1",
        "commune_code": "09000",
        "old_commune_code": "09001",
        "map_sheet": "12",
        "plot_number": "345",
        "area_m2": "250,5",
        "land_use": "ONT+CLN",
        "plot_address": "Thôn 1",
        "owner_name": "Nguyễn Văn An",
        "owner_birth": "1960",
        "owner_id_number": "",
        "owner_address": "Xóm 2",
        "certificate_serial": "BĐ 123456",
        "certificate_book_number": "CH00120",
        "certificate_issue_date": "01/02/2010",
    }
    row.update(overrides)
    return row


def write_csv(path: Path, rows: list[dict], *, header=REGISTRY_HEADER, keys=None, bom=False, encoding="utf-8"):
    keys = keys or header
    with open(path, "w", newline="", encoding=("utf-8-sig" if bom else encoding)) as handle:
        out = csv.writer(handle)
        out.writerow(header)
        for row in rows:
            out.writerow([row.get(k, "") for k in keys])
    return path


def write_xlsx(path: Path, rows: list[list], *, header) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def db_fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row of the registry and campaign set-up tables."""
    from collection.models import Assignment, CommuneTarget, WorkingGroup
    from landdata.models import Certificate, Commune, FormerCommune, ImportBatch, LandUser, Plot, Province

    result = {}
    for model in (
        Province,
        Commune,
        FormerCommune,
        Plot,
        Certificate,
        LandUser,
        ImportBatch,
        CommuneTarget,
        WorkingGroup,
        Assignment,
    ):
        rows = sorted(repr(r) for r in model.objects.values_list())
        result[model.__name__] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return result


@pytest.fixture
def tmp_csv(tmp_path):
    def make(rows, name="registry.csv", **kwargs):
        return write_csv(tmp_path / name, rows, **kwargs)

    return make
