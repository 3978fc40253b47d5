"""Scan bundles: ZIP names, manifest and SHA-256 of each member, one active bundle per range, logged download."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from PIL import Image

from collection.models import DocumentAccess, Scan
from collection.scans import encryption
from reports import bundles
from reports.models import ScanBundle
from tests.reports.factories import ScanFactory

pytestmark = pytest.mark.django_db


def _jpeg(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def scans(campaign):
    """Two certificate pages of plot 10001/1/1, an ID card of it, one scan of 10002/1/1, a failed
    scan (left out), a scan of a draft (left out) and one of commune B (left out)."""
    r = campaign.records
    made = {}
    for name, record, kind, color, status in [
        ("a1_cert_1", r["a1"], "cert_1", (200, 0, 0), Scan.Status.READY),
        ("a1_cert_1b", r["a1"], "cert_1", (0, 200, 0), Scan.Status.READY),
        ("a1_id", r["a1"], "id_front", (0, 0, 200), Scan.Status.READY),
        ("a4_cert", r["a4"], "cert_2", (90, 90, 0), Scan.Status.READY),
        ("a3_failed", r["a3"], "cert_1", (1, 2, 3), Scan.Status.FAILED),
        ("draft", r["a_draft"], "cert_1", (4, 5, 6), Scan.Status.READY),
        ("b1", r["b1"], "cert_1", (7, 8, 9), Scan.Status.READY),
    ]:
        data = _jpeg(color)
        made[name] = ScanFactory(
            record=record,
            kind=kind,
            status=status,
            uploaded_by=campaign.official_a,
            file=ContentFile(data, name=f"{name}.jpg"),
            sha256=hashlib.sha256(data).hexdigest(),
        )
    return made


def _build(campaign, django_capture_on_commit_callbacks, **range_):
    with django_capture_on_commit_callbacks(execute=True):
        bundle, created = bundles.bundle_request(commune=campaign.a, user=campaign.reviewer_a, **range_)
    assert created
    bundle.refresh_from_db()
    return bundle


def test_bundle_contents_names_manifest_and_hashes(campaign, scans, django_capture_on_commit_callbacks):
    bundle = _build(campaign, django_capture_on_commit_callbacks)
    assert bundle.status == ScanBundle.Status.DONE
    assert (bundle.done, bundle.total) == (4, 4)
    with zipfile.ZipFile(io.BytesIO(b"".join(bundles.bundle_stream(bundle)))) as archive:
        names = archive.namelist()
        assert names == [
            "10001_1_1_cert_1_1.jpg",
            "10001_1_1_cert_1_2.jpg",
            "10001_1_1_id_front_1.jpg",
            "10002_1_1_cert_2_1.jpg",
            "manifest.csv",
        ]
        manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
        assert [row["file_name"] for row in manifest] == names[:-1]
        for row in manifest:
            assert row["sha256"] == hashlib.sha256(archive.read(row["file_name"])).hexdigest()
            assert row["uploaded_by"] == "canbo01"
        assert manifest[0]["old_commune_code"] == "10001" and manifest[0]["kind"] == "cert_1"
        assert (manifest[3]["old_commune_code"], manifest[3]["map_sheet"], manifest[3]["plot_number"]) == (
            "10002",
            "1",
            "1",
        )
        # Member bytes are the stored scans, untouched.
        assert archive.read("10001_1_1_id_front_1.jpg") == scans["a1_id"].file.open("rb").read()
    assert sorted(bundle.record_ids) == sorted([campaign.records["a1"].pk, campaign.records["a4"].pk])


def test_stored_bundle_is_encrypted(settings, campaign, scans, django_capture_on_commit_callbacks):
    """A bundle is a ZIP of ID cards: on disk it is no ZIP and names no file."""
    bundle = _build(campaign, django_capture_on_commit_callbacks)
    stored = (settings.MEDIA_ROOT / bundle.file.name).read_bytes()
    assert stored.startswith(encryption.STREAM_MAGIC) and b"manifest.csv" not in stored
    assert not zipfile.is_zipfile(io.BytesIO(stored))
    assert zipfile.ZipFile(io.BytesIO(b"".join(bundles.bundle_stream(bundle)))).testzip() is None


def test_bundle_date_range(campaign, scans, django_capture_on_commit_callbacks):
    bundle = _build(
        campaign, django_capture_on_commit_callbacks, date_from=dt.date(2025, 10, 2), date_to=dt.date(2025, 10, 31)
    )
    with zipfile.ZipFile(io.BytesIO(b"".join(bundles.bundle_stream(bundle)))) as archive:
        assert archive.namelist() == ["10002_1_1_cert_2_1.jpg", "manifest.csv"]


def test_second_request_gets_the_running_bundle(campaign, scans):
    first, created = bundles.bundle_request(commune=campaign.a, user=campaign.reviewer_a)
    second, created_again = bundles.bundle_request(commune=campaign.a, user=campaign.admin)
    assert created and not created_again and first.pk == second.pk
    other, created_other = bundles.bundle_request(
        commune=campaign.a, user=campaign.admin, date_from=dt.date(2025, 10, 2)
    )
    assert created_other and other.pk != first.pk
    assert ScanBundle.objects.count() == 2


def test_database_refuses_two_active_bundles_for_one_range(campaign):
    from django.db import connection

    if not connection.features.supports_nulls_distinct_unique_constraints:
        pytest.skip("NULLS NOT DISTINCT needs PostgreSQL 15+; SQLite relies on the service's lock")
    ScanBundle.objects.create(commune=campaign.a)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScanBundle.objects.create(commune=campaign.a, status=ScanBundle.Status.RUNNING)
    ScanBundle.objects.create(commune=campaign.a, status=ScanBundle.Status.DONE)  # finished ones may repeat


def test_finished_bundle_is_not_rebuilt(campaign, scans, django_capture_on_commit_callbacks):
    bundle = _build(campaign, django_capture_on_commit_callbacks)
    name = bundle.file.name
    bundles.bundle_build(bundle_id=bundle.pk)  # a redelivered task
    bundle.refresh_from_db()
    assert bundle.file.name == name


def test_download_is_scoped_and_logged(client, campaign, scans, django_capture_on_commit_callbacks):
    bundle = _build(campaign, django_capture_on_commit_callbacks)
    url = reverse("reports:bundle_download", kwargs={"pk": bundle.pk})
    client.force_login(campaign.official_b)
    assert client.get(url).status_code == 404
    client.force_login(campaign.official_a)
    assert client.get(url).status_code == 403  # bundles are for the registration office
    client.force_login(campaign.reviewer_a)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).testzip() is None
    logged = DocumentAccess.objects.filter(user=campaign.reviewer_a, action="bundle")
    assert sorted(logged.values_list("record_id", flat=True)) == sorted(bundle.record_ids)


def test_request_view_redirects_to_progress(client, campaign, scans, django_capture_on_commit_callbacks):
    client.force_login(campaign.reviewer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:bundle_request", kwargs={"code": "10001"}), {"date_from": "", "date_to": ""}
        )
    bundle = ScanBundle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:bundle_status", kwargs={"pk": bundle.pk})
    page = client.get(response["Location"]).content.decode()
    assert reverse("reports:bundle_download", kwargs={"pk": bundle.pk}) in page
    client.force_login(campaign.official_a)
    assert client.post(reverse("reports:bundle_request", kwargs={"code": "10001"})).status_code == 403


def test_bad_dates_are_refused(client, campaign):
    client.force_login(campaign.reviewer_a)
    response = client.post(
        reverse("reports:bundle_request", kwargs={"code": "10001"}), {"date_from": "31/02/2025"}, follow=True
    )
    assert "Ngày không hợp lệ" in response.content.decode()
    assert not ScanBundle.objects.exists()


@pytest.mark.parametrize(
    ("sheet", "plot", "expected"),
    [
        ("1", "1", "10001_1_1_cert_1_1.jpg"),
        ("12", "45a", "10001_12_45a_cert_1_1.jpg"),
        ("1/2", "../x", "10001_1-2_x_cert_1_1.jpg"),
        ("", "", "10001_x_x_cert_1_1.jpg"),
    ],
)
def test_member_names_are_safe(sheet, plot, expected):
    assert bundles.member_name(old_commune="10001", sheet=sheet, plot=plot, kind="cert_1", n=1) == expected


def test_task_is_registered_and_routed_to_the_bulk_queue(settings):
    from config.celery import app

    app.loader.import_default_modules()
    assert "reports.tasks.build_scan_bundle" in app.tasks
    assert settings.CELERY_TASK_ROUTES["reports.tasks.build_scan_bundle"] == {"queue": settings.QUEUE_BULK}
    assert app.amqp.router.route({}, "reports.tasks.build_scan_bundle")["queue"].name == settings.QUEUE_BULK


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_share_one_bundle(monkeypatch):
    """Two requests at the same moment (two threads, two connections): one bundle, built once."""
    import threading

    from django.db import connection

    from reports import tasks
    from tests.reports.campaign import build_campaign

    queued = []
    monkeypatch.setattr(tasks.build_scan_bundle, "delay", lambda bundle_id: queued.append(bundle_id))
    campaign = build_campaign()
    barrier = threading.Barrier(2)
    results = []

    def request():
        try:
            barrier.wait()
            results.append(bundles.bundle_request(commune=campaign.a, user=campaign.reviewer_a))
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2
    assert results[0][0].pk == results[1][0].pk
    assert sorted(created for _b, created in results) == [False, True]
    assert queued == [results[0][0].pk] and ScanBundle.objects.count() == 1


def test_old_bundle_files_expire_but_the_request_stays_on_record(
    client, campaign, scans, settings, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from reports.tasks import expire_scan_bundles

    old = _build(campaign, django_capture_on_commit_callbacks)
    name = old.file.name
    ScanBundle.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=settings.BUNDLE_RETENTION_DAYS + 1)
    )
    fresh = ScanBundle.objects.create(
        commune=campaign.b,
        status=ScanBundle.Status.DONE,
        finished_at=timezone.now(),
        file=ContentFile(b"PK", name="fresh.zip"),
    )

    assert expire_scan_bundles() == 1

    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == ScanBundle.Status.EXPIRED and not old.file and not default_storage.exists(name)
    assert fresh.status == ScanBundle.Status.DONE and default_storage.exists(fresh.file.name)
    client.force_login(campaign.reviewer_a)
    assert client.get(reverse("reports:bundle_download", kwargs={"pk": old.pk})).status_code in (404, 410)
