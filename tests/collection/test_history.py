"""The history of collected records and their photos: a colleague's change or deletion is on record."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from collection import history, services
from collection.models import CollectedRecord, RecordChange, Role, Scan, ScanKind
from tests.factories import CollectedRecordFactory, FormerCommuneFactory, PlotFactory, user_with_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    former = FormerCommuneFactory()
    plot = PlotFactory(former_commune=former, map_sheet="12", plot_number="345")
    official_a = user_with_scope(Role.OFFICIAL, commune=former.commune, username="canbo_a")
    official_b = user_with_scope(Role.OFFICIAL, commune=former.commune, username="canbo_b")
    record, _ = services.record_create_draft(plot=plot, user=official_a)
    services.record_update(
        record_id=record.pk,
        values={"holder_name": "Đặng Văn Hạnh", "holder_id_number": "027045605136"},
        user=official_a,
        version=services.record_version(record),
    )
    record.refresh_from_db()
    return {"plot": plot, "record": record, "a": official_a, "b": official_b, "former": former}


def _form(record, **values):
    data = {
        "holder_name": record.holder_name,
        "holder_id_number": record.holder_id_number,
        "certificate_status": "held",
        "version": services.record_version(record),
    }
    data.update(values)
    return data


def test_official_b_editing_official_a_draft_is_in_the_history(client, world):
    record = world["record"]
    client.force_login(world["b"])
    response = client.post(
        reverse("collection:record_edit", args=[record.pk]),
        _form(record, holder_name="Đặng Văn Hùng", holder_id_number="027045605999"),
    )
    assert response.status_code == 302

    change = RecordChange.objects.filter(record=record).order_by("-pk").first()
    assert change.user == world["b"] and change.actor == "canbo_b"
    assert change.action == RecordChange.Action.CHANGED
    assert change.changes["holder_name"] == ["Đặng Văn Hạnh", "Đặng Văn Hùng"]
    assert change.changes["holder_id_number"] == ["027045605136", "027045605999"]
    assert set(change.changes) == {"holder_name", "holder_id_number"}

    # Shown on the record page, to A too, with the ID numbers masked for an official.
    client.force_login(world["a"])
    html = client.get(reverse("collection:record_edit", args=[record.pk])).content.decode()
    assert 'id="record-history"' in html and "canbo_b" in html
    assert "Đặng Văn Hạnh" in html and "Đặng Văn Hùng" in html
    assert "•••••••••136" in html and "•••••••••999" in html
    assert "027045605136" not in html.split('id="record-history"')[1]


def test_admin_sees_full_id_numbers_in_the_history(client, world):
    record = world["record"]
    services.record_update(
        record_id=record.pk,
        values={"holder_id_number": "027045605999"},
        user=world["b"],
        version=services.record_version(record),
    )
    admin = user_with_scope(Role.ADMIN, province=world["former"].commune.province)
    entries = history.record_history(record=record, user=admin)
    assert entries[0].lines[0].old == "027045605136" and entries[0].lines[0].new == "027045605999"
    official_view = history.record_history(record=record, user=world["a"])
    assert official_view[0].lines[0].old == "•••••••••136"


def test_saving_without_a_change_writes_no_history(world):
    record = world["record"]
    before = RecordChange.objects.count()
    services.record_update(
        record_id=record.pk,
        values={"holder_name": record.holder_name},
        user=world["b"],
        version=services.record_version(record),
    )
    assert RecordChange.objects.count() == before


def test_submit_and_draft_creation_are_recorded(world):
    record = world["record"]
    services.record_submit(
        record_id=record.pk, values={"land_use": "ONT"}, user=world["b"], version=services.record_version(record)
    )
    actions = list(RecordChange.objects.filter(record=record).order_by("pk").values_list("action", "actor"))
    assert actions[0] == (RecordChange.Action.CREATED, "canbo_a")
    assert actions[-1] == (RecordChange.Action.SUBMITTED, "canbo_b")
    submitted = RecordChange.objects.filter(record=record, action=RecordChange.Action.SUBMITTED).get()
    assert submitted.changes["land_use"] == ["", "ONT"]
    assert submitted.changes["status"] == ["draft", "submitted"]


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (120, 130, 140)).save(out, "JPEG")
    return out.getvalue()


def test_deleting_a_colleagues_scan_is_recorded(client, world, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    record = world["record"]
    client.force_login(world["a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("collection:scan_upload", args=[record.pk]),
            {"kind": ScanKind.ID_FRONT, "files": [SimpleUploadedFile("cccd.jpg", _jpeg(), "image/jpeg")]},
            headers={"HX-Request": "true"},
        )
    scan = Scan.objects.get(record=record)
    added = RecordChange.objects.get(record=record, action=RecordChange.Action.SCAN_ADDED)
    assert added.actor == "canbo_a" and added.scan_id == scan.pk
    assert added.changes == {"kind": ["", "id_front"], "original_name": ["", "cccd.jpg"]}

    client.force_login(world["b"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("collection:scan_delete", args=[scan.pk]), headers={"HX-Request": "true"})
    assert not Scan.objects.filter(pk=scan.pk).exists()
    deleted = RecordChange.objects.get(record=record, action=RecordChange.Action.SCAN_DELETED)
    assert deleted.user == world["b"] and deleted.scan_id == scan.pk
    assert deleted.changes["kind"] == ["id_front", ""]

    html = client.get(reverse("collection:record_edit", args=[record.pk])).content.decode()
    assert "Xóa ảnh" in html and "CCCD mặt trước" in html


def test_reviewer_returning_a_record_is_recorded(world):
    """verification returns records with a bulk UPDATE: the history is written beside it."""
    record = world["record"]
    reviewer = user_with_scope(Role.REVIEWER, branch=world["former"].commune.branch)
    history.records_changed_bulk(
        record_ids=[record.pk],
        user=reviewer,
        action=RecordChange.Action.RETURNED,
        changes={"status": ["submitted", "returned"]},
    )
    entry = history.record_history(record=record, user=world["a"])[0]
    assert entry.action == RecordChange.Action.RETURNED and entry.lines[0].new == "Bị trả lại"


def test_import_writes_one_history_row_per_record_in_bulk(tmp_path, world, django_assert_max_num_queries):
    path = tmp_path / "records.csv"
    path.write_text(
        "Mã xã cũ,Số tờ,Số thửa,Họ tên người đứng tên,Người thu thập,Ngày thu thập\n"
        + "".join(f"{world['former'].code},12,{n},Người {n},canbo_a,01/08/2025\n" for n in range(1, 31)),
        encoding="utf-8",
    )
    result = services.records_import(path=path, user=world["a"])
    assert result.created == 30
    imported = RecordChange.objects.filter(action=RecordChange.Action.IMPORTED)
    assert imported.count() == 30 and set(imported.values_list("actor", flat=True)) == {"canbo_a"}
    assert set(imported.values_list("record__source", flat=True)) == {CollectedRecord.Source.IMPORT}


def test_history_is_in_the_admin_read_only_and_scoped(client, world):
    other = CollectedRecordFactory()
    history.record_changed(record=other, user=None, action=RecordChange.Action.CREATED, actor=history.SYSTEM)
    admin = user_with_scope(Role.ADMIN, province=world["former"].commune.province)
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    response = client.get(reverse("admin:collection_recordchange_changelist"))
    assert response.status_code == 200
    shown = {row.record_id for row in response.context["cl"].queryset}
    assert world["record"].pk in shown
    if other.former_commune.commune.province_id != world["former"].commune.province_id:
        assert other.pk not in shown
    row = RecordChange.objects.filter(record=world["record"]).first()
    assert client.get(reverse("admin:collection_recordchange_change", args=[row.pk])).status_code == 200
    assert (
        client.post(reverse("admin:collection_recordchange_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    )
