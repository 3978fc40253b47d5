"""Scans are served only by the authorised views, and every opening is logged."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from collection.models import DocumentAccess, Scan
from collection.scans import encryption
from tests.collection.scans import images
from tests.collection.scans.conftest import upload_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def scan(official_client, world, django_capture_on_commit_callbacks):
    data = images.jpeg_with_exif(images.marked_photo(1600, 1200))
    with django_capture_on_commit_callbacks(execute=True):
        official_client.post(
            reverse("collection:scan_upload", args=[world["record"].pk]),
            {"kind": "id_front", "files": [upload_file("cccd.jpg", data)]},
            headers={"HX-Request": "true"},
        )
    scan = Scan.objects.get()
    assert scan.status == Scan.Status.READY
    DocumentAccess.objects.all().delete()
    return scan


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(("url_name", "action"), [("scan_image", "view"), ("scan_thumbnail", "thumbnail")])
def test_streams_with_private_headers_and_logs(official_client, world, scan, url_name, action):
    response = official_client.get(reverse(f"collection:{url_name}", args=[scan.pk]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "inline"
    assert body(response)[:2] == b"\xff\xd8"
    row = DocumentAccess.objects.get()
    assert (row.user, row.scan, row.record_id, row.action, row.ip_address) == (
        world["official"],
        scan,
        world["record"].pk,
        action,
        "10.1.2.3",
    )


def test_every_opening_is_a_row(official_client, scan):
    url = reverse("collection:scan_image", args=[scan.pk])
    for _ in range(3):
        body(official_client.get(url))
    assert DocumentAccess.objects.filter(action="view").count() == 3


def test_ip_from_the_reverse_proxy(official_client, scan, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    body(
        official_client.get(
            reverse("collection:scan_image", args=[scan.pk]),
            HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9, 10.0.0.1",
            REMOTE_ADDR="10.0.0.2",
        )
    )
    # The right-most address that is not a trusted proxy; the left-most one was the client's own say.
    assert DocumentAccess.objects.get().ip_address == "203.0.113.9"


def test_forwarded_for_from_anyone_else_is_ignored(official_client, scan, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    body(
        official_client.get(
            reverse("collection:scan_image", args=[scan.pk]),
            HTTP_X_FORWARDED_FOR="203.0.113.9",
            REMOTE_ADDR="192.0.2.4",
        )
    )
    assert DocumentAccess.objects.get().ip_address == "192.0.2.4"


def test_garbage_forwarded_for_is_not_stored(official_client, scan, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    body(
        official_client.get(
            reverse("collection:scan_image", args=[scan.pk]), HTTP_X_FORWARDED_FOR="<script>", REMOTE_ADDR="10.0.0.1"
        )
    )
    body(
        official_client.get(
            reverse("collection:scan_image", args=[scan.pk]), HTTP_X_FORWARDED_FOR="<script>", REMOTE_ADDR="bad"
        )
    )
    assert list(DocumentAccess.objects.values_list("ip_address", flat=True)) == [None, None]


def test_reviewer_of_the_branch_may_open_and_is_logged(client, world, scan):
    client.force_login(world["reviewer"])
    assert client.get(reverse("collection:scan_image", args=[scan.pk])).status_code == 200
    assert DocumentAccess.objects.get().user == world["reviewer"]


@pytest.mark.parametrize("url_name", ["scan_image", "scan_thumbnail"])
def test_outside_scope_is_404_and_not_logged_as_served(client, world, scan, url_name):
    client.force_login(world["official_b"])
    assert client.get(reverse(f"collection:{url_name}", args=[scan.pk])).status_code == 404
    assert not DocumentAccess.objects.exists()


def test_anonymous_is_sent_to_login(client, scan):
    client.logout()
    response = client.get(reverse("collection:scan_image", args=[scan.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not DocumentAccess.objects.exists()


def test_user_without_scope_sees_nothing(client, scan):
    nobody = get_user_model().objects.create_user("khach", password="mat-khau-123")
    client.force_login(nobody)
    assert client.get(reverse("collection:scan_image", args=[scan.pk])).status_code == 404


def test_unknown_or_unprocessed_scan_is_404(official_client, scan):
    Scan.objects.filter(pk=scan.pk).update(status=Scan.Status.PENDING)
    assert official_client.get(reverse("collection:scan_image", args=[scan.pk])).status_code == 404
    assert (
        official_client.get(reverse("collection:scan_image", args=["00000000-0000-0000-0000-000000000000"])).status_code
        == 404
    )


@pytest.mark.parametrize("field", ["file", "thumbnail"])
def test_no_public_media_url(official_client, settings, scan, field):
    name = getattr(scan, field).name
    assert (settings.MEDIA_ROOT / name).is_file()
    assert official_client.get(settings.MEDIA_URL + name).status_code == 404
    assert official_client.get("/media/" + name).status_code == 404


def test_stored_file_has_no_gps(scan):
    data = encryption.read_decrypted(scan.file.name, key_id=scan.key_id)
    assert data.startswith(b"\xff\xd8")
    assert b"Exif" not in data and b"GPS" not in data


def test_admin_sees_the_access_log_read_only(client, world, scan, official_client):
    body(official_client.get(reverse("collection:scan_image", args=[scan.pk])))
    admin = world["admin"]
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    changelist = reverse("admin:collection_documentaccess_changelist")
    response = client.get(changelist)
    assert response.status_code == 200
    assert "canbo_a" in response.content.decode()
    filtered = client.get(changelist, {"user__id__exact": world["reviewer"].pk})
    assert filtered.status_code == 200 and filtered.context["cl"].result_count == 0
    row = DocumentAccess.objects.get()
    assert client.get(reverse("admin:collection_documentaccess_change", args=[row.pk])).status_code == 200
    assert (
        client.post(reverse("admin:collection_documentaccess_delete", args=[row.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert client.get(reverse("admin:collection_documentaccess_add")).status_code == 403
    assert DocumentAccess.objects.count() == 1


def test_staff_official_cannot_read_the_access_log(client, world, scan):
    official = world["official"]
    official.is_staff = True
    official.save()
    client.force_login(official)
    assert client.get(reverse("admin:collection_documentaccess_changelist")).status_code == 403
