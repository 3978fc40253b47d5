"""The scan panel in a real browser: a photo per kind through the phone's outbox, then "Điền từ mã QR";
and the direct upload kept for a browser that cannot keep photos (no IndexedDB)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from collection.models import CollectedRecord, Role, Scan
from tests.browser import ARTIFACTS, E2E_MARKS, open_page
from tests.collection.scans import images
from tests.factories import CollectedRecordFactory, CommuneFactory, FormerCommuneFactory, user_with_scope

pytestmark = E2E_MARKS


@pytest.fixture
def page():
    with open_page(viewport={"width": 390, "height": 844}) as page:
        yield page


def _record_and_photos(tmp_path):
    commune = CommuneFactory(code="09100")
    record = CollectedRecordFactory(
        former_commune=FormerCommuneFactory(code="09100", commune=commune),
        holder_name="Nguyen Van An",
        status=CollectedRecord.Status.DRAFT,
    )
    user_with_scope(Role.OFFICIAL, commune=commune, username="canbo_e2e")
    cert = tmp_path / "giay-chung-nhan.jpg"
    cert.write_bytes(images.encode(images.document_photo(1600, 1200, seed=21), "JPEG", quality=90))
    card = tmp_path / "cccd.jpg"
    card.write_bytes(images.encode(images.id_card_with_qr(), "JPEG", quality=92))
    return record, cert, card


def _log_in_to_the_form(page, live_server, record):
    edit_path = reverse("collection:record_edit", args=[record.pk])
    page.goto(f"{live_server.url}/dang-nhap/?next={edit_path}")
    page.fill("#id_username", "canbo_e2e")
    page.fill("#id_password", "mat-khau-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}{edit_path}")


def _fill_from_qr_and_check(page):
    page.wait_for_selector("[data-scan-fill]")
    assert page.locator(".scan-item img").count() == 2
    # decode() resolves once the thumbnail has loaded, so the width below is not read too early.
    assert page.locator(".scan-item img").first.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    page.click("[data-scan-fill]")
    form = page.locator("#record-form")
    assert form.locator('[name="holder_name"]').input_value() == "Nguyễn Văn An"
    assert form.locator('[name="holder_birth"]').input_value() == "01/02/1985"
    assert form.locator('[name="holder_id_number"]').input_value() == "001085012345"
    assert form.locator('[name="holder_old_id_number"]').input_value() == "123456789"


def test_a_photo_per_kind_goes_through_the_outbox_and_fills_from_qr(live_server, page, tmp_path, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    record, cert, card = _record_and_photos(tmp_path)
    _log_in_to_the_form(page, live_server, record)

    assert page.locator("[data-scan-upload-box]").is_hidden()
    page.set_input_files('input[data-photo-kind="cert_1"]', str(cert))
    page.set_input_files('input[data-photo-kind="id_front"]', str(card))
    _fill_from_qr_and_check(page)
    page.screenshot(path=str(ARTIFACTS / "scan_panel_filled_from_qr.png"), full_page=True)
    assert sorted(Scan.objects.values_list("kind", "status")) == [("cert_1", "ready"), ("id_front", "ready")]
    # Shrunk on the phone before it was sent: the long side is at most 2,400 px.
    assert all(max(scan.width, scan.height) <= 2400 for scan in Scan.objects.all())


# Run while the page is still being read: what the browser would paint at that moment.
WHILE_READING = """window.whileReading = {
  formRead: Boolean(document.querySelector("[data-field-form]")),
  uploadBox: getComputedStyle(document.querySelector("[data-scan-upload-box]")).display,
  photoButtons: getComputedStyle(document.querySelector("[data-photo-pickers]")).display,
};"""


def test_the_photo_buttons_stand_in_place_before_the_form_below_them_is_read(live_server, page, tmp_path):
    """A phone may paint the record form before it has read all of it. While only the photo panel is
    read, the photo buttons must already stand where the upload box would, or everything below jumps
    once the form arrives (Lighthouse measured that shift on the record form: 0.14 of a screen)."""
    record, _cert, _card = _record_and_photos(tmp_path)
    _log_in_to_the_form(page, live_server, record)
    form_url = page.url

    def probe_after_the_panel(route):
        response = route.fetch()
        html = response.text()
        end = html.index("</section>", html.index("data-field-photos")) + len("</section>")
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-encoding")}
        route.fulfill(
            status=response.status, headers=headers, body=html[:end] + '<script src="/probe.js"></script>' + html[end:]
        )

    page.route(form_url, probe_after_the_panel)
    page.route(
        f"{live_server.url}/probe.js", lambda route: route.fulfill(content_type="text/javascript", body=WHILE_READING)
    )
    page.goto(form_url)
    assert page.evaluate("window.whileReading") == {"formRead": False, "uploadBox": "none", "photoButtons": "block"}


def test_without_indexeddb_the_direct_upload_takes_several_photos_with_a_kind_each(
    live_server, page, tmp_path, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    record, cert, card = _record_and_photos(tmp_path)
    page.route("**/vendor/idb/**", lambda route: route.abort())
    _log_in_to_the_form(page, live_server, record)

    assert page.locator("[data-photo-pickers]").is_hidden()
    page.set_input_files("[data-scan-files]", [str(cert), str(card)])
    kinds = page.locator("[data-scan-file-kinds] select")
    assert kinds.count() == 2
    kinds.nth(0).select_option("cert_1")
    kinds.nth(1).select_option("id_front")
    page.click("[data-scan-upload]")
    page.wait_for_selector("[data-scan-fill]")
    assert page.locator(".scan-results li.scan-ok").count() == 2
    _fill_from_qr_and_check(page)
    assert sorted(Scan.objects.values_list("kind", "status")) == [("cert_1", "ready"), ("id_front", "ready")]
