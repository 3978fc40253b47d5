"""The admin import page: upload, background task (eager), htmx progress, result or errors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from collection.models import Assignment, Role
from landdata.models import ImportBatch, LandUser
from landdata.registry_import import registry_import
from tests.factories import CommuneFactory, ProvinceFactory, UserFactory, user_with_scope
from tests.landdata.conftest import SAMPLES, db_fingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    user.save()
    client.force_login(user)
    return client


@pytest.fixture
def province_admin_client(client):
    user = user_with_scope(Role.ADMIN, province=ProvinceFactory(), username="tinh")
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def upload(client, kind, path, *, name=None, replace=False):
    data = {"file": SimpleUploadedFile(name or path.name, path.read_bytes())}
    if replace:
        data["replace"] = "on"
    return client.post(reverse("admin:landdata_importbatch_upload", args=[kind]), data)


def test_registry_upload_runs_the_import_and_shows_the_result(
    province_admin_client, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(province_admin_client, "registry", SAMPLES / "registry_extract.csv")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:landdata_importbatch_progress", args=[batch.pk])
    assert batch.status == ImportBatch.Status.DONE and batch.rows_done == batch.rows_total == 30
    assert batch.imported_by.username == "tinh"
    assert LandUser.objects.count() == 30
    assert not list((settings.MEDIA_ROOT / "imports").iterdir())  # source deleted after success
    page = province_admin_client.get(response["Location"])
    assert page.status_code == 200 and "100%" in page.content.decode()
    status = province_admin_client.get(reverse("admin:landdata_importbatch_status", args=[batch.pk]))
    body = status.content.decode()
    assert "hx-trigger" not in body  # finished: polling stops
    assert batch.summary and batch.summary.split(":")[0] in body


def test_bad_file_upload_lists_every_problem_and_changes_nothing(
    admin_client, django_capture_on_commit_callbacks, tmp_path
):
    registry_import(path=SAMPLES / "registry_extract.csv")
    before = {k: v for k, v in db_fingerprint().items() if k != "ImportBatch"}
    bad = tmp_path / "bad.csv"
    bad.write_text(
        SAMPLES.joinpath("registry_extract.csv")
        .read_text(encoding="utf-8")
        .replace('"2427,0"', "abc")
        .replace("Trần Minh Cường", ""),
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, "registry", bad)
    batch = ImportBatch.objects.exclude(status=ImportBatch.Status.DONE).get()
    assert batch.status == ImportBatch.Status.FAILED
    body = admin_client.get(reverse("admin:landdata_importbatch_status", args=[batch.pk])).content.decode()
    # The page speaks the user's language and names the columns as the file does (contract §2).
    assert "bad.csv" in body and "dòng 2: area_m2:" in body and "dòng 3: owner_name:" in body
    assert "row 2: area_m2:" in batch.errors  # the command's form, kept on the batch
    assert {k: v for k, v in db_fingerprint().items() if k != "ImportBatch"} == before


def test_assignments_upload(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, "assignments", SAMPLES / "assignments.csv")
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.status) == ("assignments", "done")
    assert Assignment.objects.count() == 60


def test_running_batch_is_polled_every_second(admin_client):
    batch = ImportBatch.objects.create(
        kind="registry", file_name="x.csv", sha256="0" * 64, status="running", rows_total=200, rows_done=50
    )
    body = admin_client.get(reverse("admin:landdata_importbatch_status", args=[batch.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in body and "25%" in body and "50 / 200" in body


def test_changelist_offers_both_imports(admin_client):
    body = admin_client.get(reverse("admin:landdata_importbatch_changelist")).content.decode()
    assert reverse("admin:landdata_importbatch_upload", args=["registry"]) in body
    assert reverse("admin:landdata_importbatch_upload", args=["assignments"]) in body


def test_wrong_extension_is_refused_by_the_form(admin_client, tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4")
    response = upload(admin_client, "registry", path)
    assert response.status_code == 200 and not ImportBatch.objects.exists()


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.REVIEWER])
def test_only_province_admins_may_import(client, role):
    commune = CommuneFactory()
    user = user_with_scope(
        role,
        commune=commune if role == Role.OFFICIAL else None,
        branch=commune.branch if role == Role.REVIEWER else None,
    )
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get(reverse("admin:landdata_importbatch_upload", args=["registry"]))
    assert response.status_code == 403
    batch = ImportBatch.objects.create(kind="registry", file_name="x.csv", sha256="0" * 64)
    assert client.get(reverse("admin:landdata_importbatch_status", args=[batch.pk])).status_code == 403


def test_land_user_list_masks_id_numbers(admin_client):
    registry_import(path=SAMPLES / "registry_extract.csv")
    body = admin_client.get(reverse("admin:landdata_landuser_changelist")).content.decode()
    assert "027045605136" not in body and "•••••••••136" in body


def test_plot_search_by_sheet_and_plot(admin_client):
    registry_import(path=SAMPLES / "registry_extract.csv")
    response = admin_client.get(reverse("admin:landdata_plot_changelist"), {"q": "01/1", "former_commune": "09001"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list.values_list("former_commune_id", flat=True)) == ["09001"]


@pytest.mark.parametrize(
    "name",
    [
        "landdata_province",
        "landdata_registrationbranch",
        "landdata_commune",
        "landdata_formercommune",
        "landdata_plot",
        "landdata_landuser",
        "landdata_certificate",
        "landdata_importbatch",
        "collection_communetarget",
        "collection_workinggroup",
        "collection_assignment",
        "collection_userscope",
    ],
)
def test_admin_lists_render_for_a_province_admin(province_admin_client, name):
    registry_import(path=SAMPLES / "registry_extract.csv")
    assert province_admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_upload_page_renders(province_admin_client):
    response = province_admin_client.get(reverse("admin:landdata_importbatch_upload", args=["registry"]))
    assert response.status_code == 200 and 'name="replace"' in response.content.decode()
    response = province_admin_client.get(reverse("admin:landdata_importbatch_upload", args=["assignments"]))
    assert 'name="replace"' not in response.content.decode()


def test_land_user_export_masks_ids(province_admin_client):
    from landdata.resources import LandUserResource

    registry_import(path=SAMPLES / "registry_extract.csv")
    exported = LandUserResource().export().csv
    assert "027045605136" not in exported and "•••••••••136" in exported


def test_upload_with_the_broker_down_says_so_on_the_batch(
    admin_client, django_capture_on_commit_callbacks, monkeypatch
):
    from kombu.exceptions import OperationalError

    from landdata import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.import_registry, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, "registry", SAMPLES / "registry_extract.csv")
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED and "Redis" in batch.errors
    assert LandUser.objects.count() == 0
