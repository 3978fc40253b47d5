"""Uploading from the phone: each file checked on its own, stored under a generated name, processed in the worker."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from collection import signals
from collection.models import CollectedRecord, Scan
from collection.scans import encryption, services
from tests.collection.scans import images
from tests.collection.scans.conftest import upload_file
from tests.factories import CollectedRecordFactory

pytestmark = pytest.mark.django_db

STORED_NAME = re.compile(r"^scans/\d{4}/\d{2}/[0-9a-f]{32}\.jpg$")


def post_upload(client, record, files, *, kind="cert_1", kinds=None, htmx=True):
    data = {"kind": kind, "files": files}
    if kinds is not None:
        data["kinds"] = kinds
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("collection:scan_upload", args=[record.pk]), data, headers=headers)


def stored_files(settings, folder="scans"):
    root = settings.MEDIA_ROOT / folder
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def good_jpeg():
    return images.jpeg_with_exif(images.marked_photo(1600, 1200), orientation=6)


def test_jpeg_with_exif_is_stored_upright_without_metadata(
    official_client, world, good_jpeg, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(official_client, world["record"], [upload_file("IMG_0001.JPG", good_jpeg)])
    assert response.status_code == 200
    assert "đã tải lên" in response.content.decode()

    scan = Scan.objects.get(record=world["record"])
    assert scan.status == Scan.Status.READY
    assert scan.original_name == "IMG_0001.JPG"
    assert STORED_NAME.match(scan.file.name)
    assert scan.uploaded_by == world["official"]
    assert scan.sha256 == hashlib.sha256(good_jpeg).hexdigest()  # the upload's hash
    stored = encryption.read_decrypted(scan.file.name, key_id=scan.key_id)  # encrypted at rest
    assert scan.stored_sha256 == hashlib.sha256(stored).hexdigest()  # the stored file's hash
    assert scan.stored_sha256 != scan.sha256
    image = Image.open(io.BytesIO(stored))
    assert image.size == (1200, 1600) and (scan.width, scan.height) == (1200, 1600)
    assert not image.getexif() and b"Exif" not in stored
    assert scan.thumbnail.name.startswith("thumbs/") and default_storage.exists(scan.thumbnail.name)
    # The upload (with its GPS tags) is gone: only the cleaned file remains.
    assert [p.relative_to(settings.MEDIA_ROOT).as_posix() for p in stored_files(settings)] == [scan.file.name]


def test_each_file_gets_its_own_line_and_kind(official_client, world, good_jpeg, django_capture_on_commit_callbacks):
    files = [
        upload_file("cert.jpg", good_jpeg),
        upload_file("notes.jpg", b"just some text pretending to be a photo\n" * 10),
        upload_file("scan.pdf", images.minimal_pdf(), "application/pdf"),
        upload_file("id.png", images.encode(images.document_photo(1200, 1000, seed=4), "PNG"), "image/png"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(official_client, world["record"], files, kinds=["cert_2", "other", "other", "id_front"])
    html = response.content.decode()
    assert response.status_code == 200
    assert sorted(Scan.objects.values_list("original_name", "kind")) == [("cert.jpg", "cert_2"), ("id.png", "id_front")]
    assert "notes.jpg</strong>: Tệp này không phải là ảnh" in html
    assert "scan.pdf</strong>: Tệp PDF không được nhận" in html
    assert html.count("đã tải lên, đang xử lý") == 2


def test_batch_kind_is_used_without_per_file_kinds(official_client, world, good_jpeg):
    post_upload(official_client, world["record"], [upload_file("a.jpg", good_jpeg)], kind="id_back")
    assert Scan.objects.get().kind == "id_back"


def test_unknown_kind_is_refused(official_client, world, good_jpeg):
    response = post_upload(official_client, world["record"], [upload_file("a.jpg", good_jpeg)], kind="passport")
    assert "Chưa chọn loại ảnh" in response.content.decode()
    assert not Scan.objects.exists()


def test_no_file_chosen(official_client, world):
    response = post_upload(official_client, world["record"], [])
    assert "Chưa chọn tệp ảnh nào" in response.content.decode()


def test_duplicate_is_not_stored_twice(official_client, world, good_jpeg, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(official_client, world["record"], [upload_file("a.jpg", good_jpeg)])
        again = post_upload(
            official_client, world["record"], [upload_file("b.jpg", good_jpeg), upload_file("c.jpg", good_jpeg)]
        )
    assert again.content.decode().count("Ảnh này đã được tải lên") == 2
    assert Scan.objects.count() == 1
    assert len(stored_files(settings)) == 1


def test_same_image_on_another_plot_is_noticed(client, world, good_jpeg, django_capture_on_commit_callbacks):
    other = CollectedRecordFactory(
        former_commune=world["record"].former_commune, plot_number="2", status=CollectedRecord.Status.DRAFT
    )
    client.force_login(world["official"])
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(client, world["record"], [upload_file("a.jpg", good_jpeg)])
        response = post_upload(client, other, [upload_file("a.jpg", good_jpeg)])
    assert Scan.objects.count() == 2  # allowed, but flagged to the user (and DUPLICATE_SCAN for the office)
    assert "trùng với ảnh đã gắn cho một thửa khác" in response.content.decode()


def test_size_limit_per_file(official_client, world, good_jpeg, settings, django_capture_on_commit_callbacks):
    settings.SCAN_MAX_BYTES = 200_000
    small = images.encode(images.document_photo(1200, 1000, noise=0), "JPEG", quality=60)
    assert len(small) < 200_000 < len(good_jpeg)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(
            official_client, world["record"], [upload_file("big.jpg", good_jpeg), upload_file("small.jpg", small)]
        )
    html = response.content.decode()
    assert "big.jpg</strong>: Tệp quá lớn" in html
    assert list(Scan.objects.values_list("original_name", flat=True)) == ["small.jpg"]


def test_real_60_mb_upload_gets_a_clear_message(official_client, world, settings):
    assert settings.SCAN_MAX_BYTES < 60 * 1024 * 1024
    huge = b"\xff\xd8\xff\xe0" + bytes(60 * 1024 * 1024)
    response = post_upload(official_client, world["record"], [upload_file("video-by-mistake.jpg", huge)])
    assert response.status_code == 200
    assert "Tệp quá lớn (60.0 MB)" in response.content.decode()
    assert not Scan.objects.exists() and not stored_files(settings)


def test_decompression_bomb_refused_at_upload(official_client, world, settings):
    response = post_upload(
        official_client, world["record"], [upload_file("bomb.png", images.decompression_bomb_png(), "image/png")]
    )
    assert "quá lớn, không thể xử lý an toàn" in response.content.decode()
    assert not Scan.objects.exists() and not stored_files(settings)


def test_truncated_jpeg_fails_in_processing_with_a_message(
    official_client, world, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(official_client, world["record"], [upload_file("half.jpg", images.truncated_jpeg())])
    scan = Scan.objects.get()
    assert scan.status == Scan.Status.FAILED and scan.error == "truncated"
    assert not stored_files(settings)  # the broken upload is not kept
    html = official_client.get(reverse("collection:scan_list", args=[world["record"].pk])).content.decode()
    assert "Tệp ảnh bị hỏng hoặc tải lên không trọn vẹn" in html


def test_heic_from_an_iphone_is_accepted(official_client, world, django_capture_on_commit_callbacks):
    heic = images.encode(images.document_photo(1200, 1000, noise=0), "HEIC")
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(official_client, world["record"], [upload_file("IMG_1.HEIC", heic, "image/heic")])
    scan = Scan.objects.get()
    assert scan.status == Scan.Status.READY and STORED_NAME.match(scan.file.name)


def test_blurred_and_small_photos_carry_warnings(official_client, world, django_capture_on_commit_callbacks):
    blurry = images.encode(images.blurred(images.document_photo(1600, 1200), 5), "JPEG")
    small = images.encode(images.document_photo(800, 600, seed=3), "JPEG")
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(
            official_client, world["record"], [upload_file("blur.jpg", blurry), upload_file("small.jpg", small)]
        )
    html = official_client.get(reverse("collection:scan_list", args=[world["record"].pk])).content.decode()
    assert "Ảnh mờ, nên chụp lại" in html and "Độ phân giải thấp" in html
    assert set(Scan.objects.values_list("needs_retake", flat=True)) == {True}


@pytest.mark.parametrize(("kind", "prefix"), [("id_front", "holder_"), ("co_id_back", "co_holder_")])
def test_cccd_qr_offers_to_fill_the_form(official_client, world, kind, prefix, django_capture_on_commit_callbacks):
    card = images.encode(images.id_card_with_qr(), "JPEG", quality=92)
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(official_client, world["record"], [upload_file("cccd.jpg", card)], kind=kind)
    html = official_client.get(reverse("collection:scan_list", args=[world["record"].pk])).content.decode()
    assert "Điền từ mã QR" in html
    assert f'data-prefix="{prefix}"' in html
    assert 'data-name="Nguyễn Văn An"' in html
    assert 'data-birth="01/02/1985"' in html
    assert 'data-id-number="001085012345"' in html
    assert 'data-old-id-number="123456789"' in html


def test_qr_on_a_certificate_page_is_not_offered_as_an_id(official_client, world, django_capture_on_commit_callbacks):
    card = images.encode(images.id_card_with_qr(), "JPEG", quality=92)
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(official_client, world["record"], [upload_file("p1.jpg", card)], kind="cert_1")
    assert Scan.objects.get().qr_payload == images.CCCD_PAYLOAD
    html = official_client.get(reverse("collection:scan_list", args=[world["record"].pk])).content.decode()
    assert "Điền từ mã QR" not in html


def test_list_polls_while_pending_and_stops_when_processed(
    official_client, world, good_jpeg, django_capture_on_commit_callbacks
):
    list_url = reverse("collection:scan_list", args=[world["record"].pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_upload(official_client, world["record"], [upload_file("a.jpg", good_jpeg)])
    assert 'hx-trigger="every 2s"' in response.content.decode()
    assert 'hx-trigger="every 2s"' in official_client.get(list_url).content.decode()
    for callback in callbacks:
        callback()
    html = official_client.get(list_url).content.decode()
    assert 'hx-trigger="every 2s"' not in html
    assert "hx-preserve" in html  # thumbnails are not fetched again by later polls


def test_processed_signal_is_sent(official_client, world, good_jpeg, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    signals.scan_processed.connect(receiver, dispatch_uid="test-scan-processed")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            post_upload(official_client, world["record"], [upload_file("a.jpg", good_jpeg)])
    finally:
        signals.scan_processed.disconnect(dispatch_uid="test-scan-processed")
    scan = Scan.objects.get()
    assert [(r["scan_id"], r["record_id"]) for r in received] == [(scan.pk, world["record"].pk)]


def test_processing_twice_does_nothing_more(official_client, world, good_jpeg, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(official_client, world["record"], [upload_file("a.jpg", good_jpeg)])
    scan = Scan.objects.get()
    assert services.scan_process(scan_id=scan.pk) == "skipped"
    assert Scan.objects.get().file.name == scan.file.name


def test_record_outside_scope_is_404(official_client, world, good_jpeg, settings):
    response = post_upload(official_client, world["record_b"], [upload_file("a.jpg", good_jpeg)])
    assert response.status_code == 404
    assert official_client.get(reverse("collection:scan_list", args=[world["record_b"].pk])).status_code == 404
    assert not Scan.objects.exists() and not stored_files(settings)


def test_reviewer_may_not_upload(client, world, good_jpeg):
    client.force_login(world["reviewer"])
    assert post_upload(client, world["record"], [upload_file("a.jpg", good_jpeg)]).status_code == 403
    assert post_upload(client, world["record"], []).status_code == 403
    assert not Scan.objects.exists()


def test_admin_may_upload(client, world, good_jpeg):
    client.force_login(world["admin"])
    assert post_upload(client, world["record_b"], [upload_file("a.jpg", good_jpeg)]).status_code == 200
    assert Scan.objects.filter(record=world["record_b"]).exists()


def test_anonymous_is_sent_to_login(client, world, good_jpeg):
    response = post_upload(client, world["record"], [upload_file("a.jpg", good_jpeg)])
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(("status", "allowed"), [("draft", True), ("returned", True), ("submitted", False)])
def test_uploads_only_while_the_record_is_editable(official_client, world, good_jpeg, status, allowed):
    CollectedRecord.objects.filter(pk=world["record"].pk).update(status=status)
    response = post_upload(official_client, world["record"], [upload_file("a.jpg", good_jpeg)])
    assert Scan.objects.exists() is allowed
    assert ("Bản ghi đã gửi" in response.content.decode()) is not allowed


def test_an_unexpected_error_stays_on_its_own_line(official_client, world, good_jpeg, monkeypatch):
    real = services._upload_sha256

    def failing(upload):
        if upload.name == "bad.jpg":
            raise RuntimeError("disk on fire")
        return real(upload)

    monkeypatch.setattr(services, "_upload_sha256", failing)
    other = images.encode(images.document_photo(1200, 1000, seed=8), "JPEG")
    response = post_upload(
        official_client, world["record"], [upload_file("bad.jpg", good_jpeg), upload_file("ok.jpg", other)]
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "bad.jpg</strong>: Không lưu được tệp này" in html
    assert "disk on fire" not in html
    assert list(Scan.objects.values_list("original_name", flat=True)) == ["ok.jpg"]


def test_without_htmx_the_results_come_back_as_messages(official_client, world, good_jpeg):
    response = post_upload(
        official_client,
        world["record"],
        [upload_file("a.jpg", good_jpeg), upload_file("x.jpg", b"text")],
        htmx=False,
    )
    assert response.status_code == 302
    page = official_client.get(response["Location"], follow=True)
    texts = [str(m) for m in page.context["messages"]] if page.context else []
    assert any("a.jpg" in t for t in texts) and any("x.jpg" in t and "không phải là ảnh" in t for t in texts)


def test_delete_removes_row_and_files(official_client, world, good_jpeg, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(official_client, world["record"], [upload_file("a.jpg", good_jpeg)])
        scan = Scan.objects.get()
        response = official_client.post(
            reverse("collection:scan_delete", args=[scan.pk]), headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    assert not Scan.objects.exists()
    assert not stored_files(settings) and not stored_files(settings, "thumbs")


def test_delete_outside_scope_is_404(client, world, good_jpeg, django_capture_on_commit_callbacks):
    client.force_login(world["official"])
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(client, world["record"], [upload_file("a.jpg", good_jpeg)])
    client.force_login(world["official_b"])
    assert client.post(reverse("collection:scan_delete", args=[Scan.objects.get().pk])).status_code == 404
    assert Scan.objects.exists()


def _render_panel(user, record):
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("collection/scans/_panel.html", {"record": record, "request": request}, request=request)


def test_panel_offers_camera_upload_to_the_official(world):
    html = _render_panel(world["official"], world["record"])
    assert 'type="file" name="files"' in html
    assert "multiple" in html and 'accept="image/*"' in html and 'capture="environment"' in html
    assert 'value="co_id_front"' in html and "js/scans.js" in html
    assert reverse("collection:scan_upload", args=[world["record"].pk]) in html


def test_panel_is_read_only_for_a_reviewer(world):
    html = _render_panel(world["reviewer"], world["record"])
    assert 'type="file"' not in html and "Xóa ảnh" not in html


def test_gallery_shows_ready_thumbnails(official_client, world, good_jpeg, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(official_client, world["record"], [upload_file("a.jpg", good_jpeg)])
    html = render_to_string("collection/scans/_gallery.html", {"record": world["record"]})
    assert reverse("collection:scan_thumbnail", args=[Scan.objects.get().pk]) in html


def test_delete_refused_once_submitted(official_client, world, good_jpeg, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(official_client, world["record"], [upload_file("a.jpg", good_jpeg)])
    CollectedRecord.objects.filter(pk=world["record"].pk).update(status="submitted")
    response = official_client.post(
        reverse("collection:scan_delete", args=[Scan.objects.get().pk]), headers={"HX-Request": "true"}
    )
    assert "Bản ghi đã gửi" in response.content.decode()
    assert Scan.objects.exists()


def test_processing_task_goes_to_the_records_queue():
    from config.celery import app

    route = app.amqp.router.route({}, "collection.tasks.process_scan")
    assert route["queue"].name == "records"


def test_stale_pending_scans_are_queued_again(official_client, world, good_jpeg, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):  # the message is "lost"
        post_upload(official_client, world["record"], [upload_file("a.jpg", good_jpeg)])
    assert services.scans_requeue_stale() == 0  # recent: maybe still in the queue
    Scan.objects.update(uploaded_at=timezone.now() - dt.timedelta(minutes=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.scans_requeue_stale() == 1
    assert Scan.objects.get().status == Scan.Status.READY


def test_broker_outage_keeps_the_upload(
    official_client, world, good_jpeg, monkeypatch, django_capture_on_commit_callbacks
):
    from collection import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.process_scan, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(official_client, world["record"], [upload_file("a.jpg", good_jpeg)])
    assert "a.jpg</strong>: đã tải lên" in response.content.decode()
    assert Scan.objects.get().status == Scan.Status.PENDING  # the stale-scan sweep queues it again
