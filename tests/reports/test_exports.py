"""Excel exports: real .xlsx read back with openpyxl, columns, values, masking and scope."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from tests.reports.campaign import CCCD_FEMALE_1960, CCCD_MALE_1960

pytestmark = pytest.mark.django_db


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    return list(header), [dict(zip(header, row, strict=False)) for row in body]


def test_plot_export_rows_and_columns(client, campaign):
    client.force_login(campaign.reviewer_a)
    header, rows = _sheet(client.get(reverse("reports:export_plots", kwargs={"code": "10001"})))
    assert header[:3] == ["Mã xã cũ", "Số tờ", "Số thửa"]
    assert header[-2:] == ["Kết quả", "Sai lệch chưa xử lý"]
    keys = [(r["Mã xã cũ"], r["Số tờ"], r["Số thửa"]) for r in rows]
    # Five assigned plots in key order, then the collected key not in the registry.
    assert keys == [
        ("10001", "1", "1"),
        ("10001", "1", "2"),
        ("10001", "1", "3"),
        ("10002", "1", "1"),
        ("10002", "1", "2"),
        ("10001", "9", "99"),
    ]
    by_key = dict(zip(keys, rows, strict=True))
    first = by_key[("10001", "1", "1")]
    assert first["Chủ sử dụng (sổ địa chính)"] == "Nguyễn Văn An; Trần Thị Bình"
    assert first["Số CCCD"] == CCCD_MALE_1960  # reviewers need the full number
    assert first["Kết quả"] == "Đã xác minh"
    assert first["Diện tích sổ (m²)"] == 250
    assert first["Số phát hành GCN"] == "BĐ 123456"
    assert first["Ngày thu thập"] == "01/10/2025"
    assert by_key[("10001", "1", "3")]["Sai lệch chưa xử lý"] == "AREA_MISMATCH, OWNER_NAME_MISMATCH"
    assert by_key[("10002", "1", "1")]["Sai lệch chưa xử lý"] is None  # accepted flag is closed
    assert by_key[("10002", "1", "1")]["Kết quả"] == "Đã làm sạch"
    assert by_key[("10002", "1", "2")]["Kết quả"] == "Chưa thu thập"  # only a draft there
    assert by_key[("10002", "1", "2")]["Họ tên người đứng tên"] is None
    assert by_key[("10001", "9", "99")]["Kết quả"] == "Không có trong sổ"


def test_plot_export_masks_ids_for_officials(client, campaign):
    client.force_login(campaign.official_a)
    _header, rows = _sheet(client.get(reverse("reports:export_plots", kwargs={"code": "10001"})))
    assert rows[0]["Số CCCD"] == "•••••••••345"
    assert all(CCCD_MALE_1960 not in str(v) for r in rows for v in r.values())


def test_plot_export_of_another_commune_is_404(client, campaign):
    client.force_login(campaign.official_b)
    assert client.get(reverse("reports:export_plots", kwargs={"code": "10001"})).status_code == 404


def test_office_layout_one_row_per_certificate(client, campaign):
    client.force_login(campaign.reviewer_a)
    header, rows = _sheet(client.get(reverse("reports:export_office", kwargs={"code": "10001"})))
    assert header[:4] == ["Mã xã", "Số phát hành GCN", "Ngày cấp", "Số vào sổ"]
    # The certificate of plot 1 has two holders: two groups of holder columns.
    assert "Họ tên chủ 2" in header and "Họ tên chủ 3" not in header
    assert header[-8:] == [
        "Số tờ",
        "Số thửa",
        "Địa chỉ thửa đất",
        "Diện tích (m²)",
        "Mục đích sử dụng",
        "Hình thức sử dụng",
        "Thời hạn sử dụng",
        "Bổ sung từ thu thập",
    ]
    assert len(rows) == 2
    first, second = rows
    assert first["Mã xã"] == "10001" and first["Số phát hành GCN"] == "BĐ 123456"
    assert first["Ngày cấp"] == "01/02/2010" and first["Số vào sổ"] == "CH00120"
    assert first["Họ tên chủ 1"] == "Nguyễn Văn An" and first["Giới tính chủ 1"] == "Nam"
    assert first["Số giấy tờ chủ 1"] == CCCD_MALE_1960 and first["Năm sinh chủ 1"] == "1960"
    assert first["Địa chỉ chủ 1"] == "Thôn Đông, xã An"
    assert first["Họ tên chủ 2"] == "Trần Thị Bình" and first["Giới tính chủ 2"] == "Nữ"
    assert first["Số giấy tờ chủ 2"] == CCCD_FEMALE_1960
    assert first["Hình thức sử dụng"] == "Sử dụng chung" and first["Thời hạn sử dụng"] == "Lâu dài"
    assert first["Số tờ"] == "1" and first["Số thửa"] == "1" and first["Địa chỉ thửa đất"] == "Thôn Đông"
    assert first["Diện tích (m²)"] == 250 and first["Mục đích sử dụng"] == "ONT"
    assert second["Hình thức sử dụng"] == "Sử dụng riêng" and second["Họ tên chủ 2"] is None
    assert first["Bổ sung từ thu thập"] is None


def test_office_layout_carries_the_campaign_enrichments(client, campaign):
    """The registry holds a CMND and a birth year without diacritics; the campaign added a CCCD, the
    full date and the diacritics: the office enters the enriched values."""
    from landdata.models import LandUser
    from verification.models import Enrichment

    holder = LandUser.objects.get(full_name="Lê Văn Cường")
    holder.full_name, holder.id_number = "Le Van Cuong", "123456789"
    holder.save()
    record = campaign.records["a2"]
    for kind, value in (("cccd", "001060099999"), ("birth_date", "05/06/1960"), ("diacritics", "Lê Văn Cường")):
        Enrichment.objects.create(
            record=record, land_user=holder, kind=kind, field=f"holder_{kind}", collected_value=value
        )
    # An enrichment from a draft is not yet collected data: ignored.
    Enrichment.objects.create(
        record=campaign.records["a_draft"],
        land_user=holder,
        kind="cccd",
        field="holder_id_number",
        collected_value="001060011111",
    )
    client.force_login(campaign.reviewer_a)
    _header, rows = _sheet(client.get(reverse("reports:export_office", kwargs={"code": "10001"})))
    second = rows[1]
    assert second["Họ tên chủ 1"] == "Lê Văn Cường"
    assert second["Số giấy tờ chủ 1"] == "001060099999" and second["Giới tính chủ 1"] == "Nam"
    assert second["Năm sinh chủ 1"] == "05/06/1960"
    assert second["Bổ sung từ thu thập"] == "CCCD chủ 1; ngày sinh chủ 1; tên có dấu chủ 1"


@pytest.mark.parametrize(
    ("user", "status"), [("official_a", 403), ("official_b", 403), ("reviewer_a", 200), ("admin", 200)]
)
def test_office_layout_needs_an_office_role(client, campaign, user, status):
    client.force_login(getattr(campaign, user))
    assert client.get(reverse("reports:export_office", kwargs={"code": "10001"})).status_code == status


def test_office_layout_of_another_branch_is_404(client, campaign):
    client.force_login(campaign.reviewer_a)
    assert client.get(reverse("reports:export_office", kwargs={"code": "20001"})).status_code == 404


def test_sex_unknown_without_cccd(campaign):
    from landdata.models import LandUser
    from reports.exports import _sex

    assert _sex(LandUser(id_number="123456789", id_kind="cmnd")) == ""
    assert _sex(LandUser(id_number="", id_kind="empty")) == ""
