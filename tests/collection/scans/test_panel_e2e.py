"""The scan panel in a real browser: several photos at once with a kind each, then "Điền từ mã QR"."""

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


def test_upload_two_photos_and_fill_from_qr(live_server, page, tmp_path, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
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

    edit_path = reverse("collection:record_edit", args=[record.pk])
    page.goto(f"{live_server.url}/dang-nhap/?next={edit_path}")
    page.fill("#id_username", "canbo_e2e")
    page.fill("#id_password", "mat-khau-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}{edit_path}")

    page.set_input_files("[data-scan-files]", [str(cert), str(card)])
    kinds = page.locator("[data-scan-file-kinds] select")
    assert kinds.count() == 2
    kinds.nth(0).select_option("cert_1")
    kinds.nth(1).select_option("id_front")
    page.click("[data-scan-upload]")

    page.wait_for_selector("[data-scan-fill]")
    assert page.locator(".scan-results li.scan-ok").count() == 2
    assert page.locator(".scan-item img").count() == 2
    # decode() resolves once the thumbnail has loaded, so the width below is not read too early.
    assert page.locator(".scan-item img").first.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    page.click("[data-scan-fill]")
    form = page.locator("#record-form")
    assert form.locator('[name="holder_name"]').input_value() == "Nguyễn Văn An"
    assert form.locator('[name="holder_birth"]').input_value() == "01/02/1985"
    assert form.locator('[name="holder_id_number"]').input_value() == "001085012345"
    assert form.locator('[name="holder_old_id_number"]').input_value() == "123456789"
    page.screenshot(path=str(ARTIFACTS / "scan_panel_filled_from_qr.png"), full_page=True)
    assert sorted(Scan.objects.values_list("kind", "status")) == [("cert_1", "ready"), ("id_front", "ready")]
