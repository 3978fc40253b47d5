"""A refused import, as people read it and as programs read it (contract §2).

The commands print `row N: key: problem`, exactly as before (programs outside parse it); the admin's
pages say `dòng N: <the file's own header>: lỗi`, count every problem and list as many as they count,
or say how many are left out. Times on the batch pages are in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from landdata.models import ImportBatch
from landdata.tabular import MAX_PRINTED_PROBLEMS, RowError
from tests.factories import UserFactory
from tests.landdata.conftest import REGISTRY_HEADER, REGISTRY_HEADER_VI, registry_row, write_csv

pytestmark = pytest.mark.django_db

ASSIGNMENT_KEYS = ["commune_code", "commune_name", "old_commune_code", "old_commune_name", "target_plots"]
ASSIGNMENT_VI = ["Mã xã", "Tên xã", "Mã xã cũ", "Tên xã cũ", "Chỉ tiêu"]


@pytest.fixture
def admin_client(client):
    user = UserFactory(username="quantri-loi", is_superuser=True, is_staff=True)
    user.save()
    client.force_login(user)
    return client


def bad_registry_rows() -> list[dict]:
    """Three problems on two rows: row 2 has two (area and name), row 3 one (area)."""
    return [
        registry_row(registry_id="R1", area_m2="abc", owner_name=""),
        registry_row(registry_id="R2", plot_number="346", area_m2="-5"),
    ]


def upload(client, kind: str, path) -> ImportBatch:
    url = reverse("admin:landdata_importbatch_upload", args=[kind])
    client.post(url, {"file": SimpleUploadedFile(path.name, path.read_bytes())})
    return ImportBatch.objects.get(file_name=path.name)


def status_page(client, batch: ImportBatch) -> str:
    return client.get(reverse("admin:landdata_importbatch_status", args=[batch.pk])).content.decode()


def listed(body: str) -> list[str]:
    return re.findall(r"<li>(.*?)</li>", body)


def test_vietnamese_headers_are_named_as_the_file_wrote_them(
    admin_client, tmp_path, django_capture_on_commit_callbacks
):
    path = write_csv(
        tmp_path / "so-dia-chinh.csv", bad_registry_rows(), header=REGISTRY_HEADER_VI, keys=REGISTRY_HEADER
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = upload(admin_client, "registry", path)
    body = status_page(admin_client, batch)
    lines = listed(body)
    assert lines == [
        "dòng 2: Diện tích: “abc” không phải là số",
        "dòng 2: Họ tên chủ sử dụng: bắt buộc",
        "dòng 3: Diện tích: “-5” ngoài khoảng cho phép",
    ]
    # The count says what the list shows: three problems, not the number of lines of the stored text.
    assert "so-dia-chinh.csv không được nhập: 3 lỗi" in body
    assert "row " not in body and "area_m2" not in body
    batch.refresh_from_db()
    assert batch.error_count == 3
    assert batch.error_rows[0] == {
        "row": 2,
        "key": "area_m2",
        "header": "Diện tích",
        "problem": "“abc” không phải là số",
    }


def test_the_command_still_prints_row_key_problem_for_the_same_file(tmp_path):
    path = write_csv(
        tmp_path / "so-dia-chinh.csv", bad_registry_rows(), header=REGISTRY_HEADER_VI, keys=REGISTRY_HEADER
    )
    with pytest.raises(CommandError) as info:
        call_command("import_registry", str(path))
    lines = str(info.value).splitlines()
    assert lines[1:] == [
        "row 2: area_m2: “abc” không phải là số",
        "row 2: owner_name: bắt buộc",
        "row 3: area_m2: “-5” ngoài khoảng cho phép",
    ]
    assert lines[0].startswith("so-dia-chinh.csv: 3 lỗi")


def test_english_keys_are_named_by_their_key(admin_client, tmp_path, django_capture_on_commit_callbacks):
    path = write_csv(tmp_path / "registry.csv", bad_registry_rows())
    with django_capture_on_commit_callbacks(execute=True):
        batch = upload(admin_client, "registry", path)
    assert listed(status_page(admin_client, batch)) == [
        "dòng 2: area_m2: “abc” không phải là số",
        "dòng 2: owner_name: bắt buộc",
        "dòng 3: area_m2: “-5” ngoài khoảng cho phép",
    ]


def test_a_header_written_loosely_is_shown_as_written(admin_client, tmp_path, django_capture_on_commit_callbacks):
    header = [("DIEN TICH" if h == "Diện tích" else h) for h in REGISTRY_HEADER_VI]
    path = write_csv(tmp_path / "loose.csv", [registry_row(area_m2="abc")], header=header, keys=REGISTRY_HEADER)
    with django_capture_on_commit_callbacks(execute=True):
        batch = upload(admin_client, "registry", path)
    assert listed(status_page(admin_client, batch)) == ["dòng 2: DIEN TICH: “abc” không phải là số"]


def test_assignment_list_problems_in_vietnamese(admin_client, tmp_path, django_capture_on_commit_callbacks):
    rows = [dict(zip(ASSIGNMENT_KEYS, ["09000", "Phường Đông", "09001", "Xã An", "nhiều"]))]
    path = write_csv(tmp_path / "giao-xa.csv", rows, header=ASSIGNMENT_VI, keys=ASSIGNMENT_KEYS)
    with django_capture_on_commit_callbacks(execute=True):
        batch = upload(admin_client, "assignments", path)
    assert listed(status_page(admin_client, batch)) == ["dòng 2: Chỉ tiêu: “nhiều” không phải là số"]
    with pytest.raises(CommandError, match="row 2: target_plots: “nhiều” không phải là số"):
        call_command("import_assignments", str(path))


def test_more_problems_than_listed_are_counted_and_said(admin_client, tmp_path, django_capture_on_commit_callbacks):
    extra = 7
    rows = [
        registry_row(registry_id=f"R{n}", plot_number=str(n), area_m2="abc")
        for n in range(MAX_PRINTED_PROBLEMS + extra)
    ]
    path = write_csv(tmp_path / "nhieu-loi.csv", rows)
    with django_capture_on_commit_callbacks(execute=True):
        batch = upload(admin_client, "registry", path)
    body = status_page(admin_client, batch)
    assert len(listed(body)) == MAX_PRINTED_PROBLEMS
    assert f"{MAX_PRINTED_PROBLEMS + extra} lỗi" in body
    assert f"… và {extra} lỗi khác không được liệt kê" in body


def test_a_whole_file_problem_is_one_problem(admin_client, tmp_path, django_capture_on_commit_callbacks):
    path = write_csv(tmp_path / "thieu-cot.csv", [registry_row()], header=REGISTRY_HEADER[:5], keys=REGISTRY_HEADER[:5])
    with django_capture_on_commit_callbacks(execute=True):
        batch = upload(admin_client, "registry", path)
    body = status_page(admin_client, batch)
    assert "thieu-cot.csv không được nhập: 1 lỗi" in body
    (line,) = listed(body)
    assert "thiếu cột bắt buộc" in line and "area_m2 (Diện tích)" in line


def test_the_batch_page_shows_the_same_problems(admin_client, tmp_path, django_capture_on_commit_callbacks):
    path = write_csv(
        tmp_path / "so-dia-chinh.csv", bad_registry_rows(), header=REGISTRY_HEADER_VI, keys=REGISTRY_HEADER
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = upload(admin_client, "registry", path)
    body = admin_client.get(reverse("admin:landdata_importbatch_change", args=[batch.pk])).content.decode()
    assert "dòng 2: Họ tên chủ sử dụng: bắt buộc" in body and "3 lỗi" in body
    assert "row 2: owner_name" not in body


def test_collected_records_command_counts_problems_not_lines(tmp_path, capsys):
    header = ["old_commune_code", "map_sheet", "plot_number", "holder_name", "collected_by", "collected_on"]
    # Three problems on one row: no name, no collector, and a former commune the portal does not know.
    rows = [dict(zip(header, ["09001", "1", "1", "", "", "15/10/2025"]))]
    path = write_csv(tmp_path / "ban-ghi.csv", rows, header=header)
    with pytest.raises(CommandError, match=r"nothing imported \(3 problem\(s\)\)") as info:
        call_command("import_collection", str(path))
    assert info.value.returncode == 1
    printed = [line for line in capsys.readouterr().err.splitlines() if line.startswith("row ")]
    assert len(printed) == 3 and all(line.startswith("row 2: ") for line in printed)


def test_row_error_words():
    error = RowError(4, "owner_name", "Họ tên chủ sử dụng", "bắt buộc")
    assert error.line() == "row 4: owner_name: bắt buộc"
    assert error.text() == "dòng 4: Họ tên chủ sử dụng: bắt buộc"
    assert RowError.from_dict(error.as_dict()) == error
    assert RowError(4, "owner_name", "", "bắt buộc").text() == "dòng 4: owner_name: bắt buộc"


# --- times on the batch pages -----------------------------------------------------------------


def test_batch_list_and_page_show_the_same_local_time(admin_client):
    batch = ImportBatch.objects.create(kind="registry", file_name="gio.csv", sha256="0" * 64, status="done")
    utc = dt.datetime(2025, 10, 15, 23, 30, tzinfo=dt.UTC)  # 06:30 on the 16th in Hà Nội
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=utc, finished_at=utc + dt.timedelta(minutes=5))
    batch.refresh_from_db()
    listing = admin_client.get(reverse("admin:landdata_importbatch_changelist")).content.decode()
    page = admin_client.get(reverse("admin:landdata_importbatch_change", args=[batch.pk])).content.decode()
    assert "06:30" in listing and "16 tháng 10" in listing
    assert "16/10/2025 06:30" in page  # the batch's name in the title and breadcrumbs
    assert "06:35" in page  # finished_at, a read-only field
    assert "23:30" not in listing and "23:30" not in page and "15/10/2025" not in page
    assert str(batch) == "Trích xuất sổ địa chính gio.csv (16/10/2025 06:30)"
