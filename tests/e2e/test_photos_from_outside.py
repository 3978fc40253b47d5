"""Photos from outside the portal, in a real browser on a 390×844 phone: the commune's inbox (drop a
batch, confirm, correct, reject) and a citizen's own link used end to end without an account."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from collection.models import Channel, CitizenLink, CollectedRecord, IntakeItem, Role, Scan
from demo import photos as demo_photos
from tests.browser import ARTIFACTS, E2E_MARKS, PHONE, launch, log_in
from tests.factories import CertificateFactory, FormerCommuneFactory, LandUserFactory, PlotFactory, user_with_scope

pytestmark = E2E_MARKS

CLEAN = demo_photos.PhotoOptions(
    max_skew=3, quarter_turns=(1, 0, 0, 0), zalo_share=0, exif_share=0, photocopy_share=0, glare_share=0, max_blur=0.4
)


@pytest.fixture
def ward(settings, tmp_path):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from collection.intake import services

    services._indexes.clear()
    former = FormerCommuneFactory(code="09253")
    truths = demo_photos.sample_plots(2, seed=11)
    plots = []
    for truth in truths:
        plot = PlotFactory(former_commune=former, map_sheet=truth.sheet, plot_number=truth.plot)
        certificate = CertificateFactory(plot=plot, serial=truth.serial, book_number=truth.book_number)
        for person in truth.holders:
            LandUserFactory(plot=plot, certificate=certificate, full_name=person.name, id_number=person.id_number)
        plots.append(plot)
    user_with_scope(Role.OFFICIAL, commune=former.commune, username="canbo_ngoai")
    files = []
    for n, (data, truth) in enumerate(
        demo_photos.generate_photos(truths, seed=11, kinds=("id_front",), others=1, options=CLEAN)
    ):
        path = tmp_path / f"zalo-{n}.jpg"
        path.write_bytes(data)
        files.append((str(path), truth))
    return {"former": former, "plots": plots, "truths": truths, "files": files}


def test_the_inbox_sorts_a_batch_and_the_official_confirms_corrects_and_rejects(live_server, ward):
    base = live_server.url
    with launch() as browser:
        page = browser.new_context(locale="vi-VN", **PHONE).new_page()
        page.set_default_timeout(30_000)
        log_in(page, base, "canbo_ngoai")
        page.goto(f"{base}/thu-thap/anh-gui-den/")
        page.set_input_files("#intake-files", [path for path, _t in ward["files"]])
        page.click(".intake-upload button[type=submit]")
        expect(page.locator(".messages")).to_contain_text("Đã nhận 3 ảnh")
        expect(page.locator(".intake-item[data-status=ready]")).to_have_count(3)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(ARTIFACTS / "intake-inbox.png"), full_page=True)

        first, second, unrelated = (IntakeItem.objects.get(original_name=f"zalo-{n}.jpg") for n in range(3))
        assert unrelated.kind == "other" and unrelated.proposed_plot is None

        # One tap confirms the first proposal.
        page.locator(f"#intake-{first.pk} [data-intake-confirm]").click()
        expect(page.locator(".messages")).to_contain_text("Đã gắn ảnh zalo-0.jpg")
        # The second goes to the other plot, typed by the official.
        other = next(p for p in ward["plots"] if p.pk != second.proposed_plot_id)
        item = page.locator(f"#intake-{second.pk}")
        item.locator("summary").click()
        item.locator("[name=map_sheet]").fill(other.map_sheet)
        item.locator("[name=plot_number]").fill(other.plot_number)
        item.locator("[data-intake-correct]").click()
        expect(page.locator(".messages")).to_contain_text("Đã gắn ảnh zalo-1.jpg")
        # The unrelated photo is rejected.
        page.locator(f"#intake-{unrelated.pk} [data-intake-reject]").click()
        expect(page.locator(".messages")).to_contain_text("Đã loại ảnh zalo-2.jpg")
        expect(page.locator(".intake-item")).to_have_count(0)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.scan.record.plot_id == first.proposed_plot_id
    assert second.scan.record.plot_id == other.pk
    assert Scan.objects.count() == 2 and IntakeItem.objects.get(pk=unrelated.pk).decision == "rejected"


def test_a_citizen_sends_the_plots_photos_through_their_own_link(live_server, ward):
    base = live_server.url
    plot = ward["plots"][0]
    card = next(
        path
        for path, truth in ward["files"]
        if truth.get("id_number") in {p.id_number for p in ward["truths"][0].holders}
    )
    with launch() as browser:
        official = browser.new_context(locale="vi-VN", **PHONE).new_page()
        official.set_default_timeout(30_000)
        log_in(official, base, "canbo_ngoai")
        official.goto(f"{base}/thu-thap/thua-dat/{plot.pk}/")
        official.click("#citizen-link-create")
        url = official.locator("[data-citizen-url]").input_value()
        assert official.locator("img.citizen-qr").evaluate("img => img.decode().then(() => img.naturalWidth)") > 0

        # The citizen's own phone, no account, no cookies of the portal.
        citizen = browser.new_context(locale="vi-VN", **PHONE).new_page()
        citizen.set_default_timeout(30_000)
        citizen.goto(url)
        text = citizen.locator("main").inner_text()
        assert f"thửa số {plot.plot_number}" in text
        assert not any(p.name in text or p.id_number in text for p in ward["truths"][0].holders)
        citizen.set_input_files('input[data-citizen-kind="id_front"]', card)
        expect(citizen.locator("[data-citizen-photos] li[data-state=sent]")).to_have_count(1)
        citizen.fill("#citizen-phone", "0912345678")
        citizen.fill("#citizen-note", "Sổ đang thế chấp ngân hàng")
        citizen.click(".citizen-details button[type=submit]")
        expect(citizen.locator("[data-citizen-done]")).to_be_visible()
        assert citizen.evaluate("document.documentElement.scrollWidth") <= 390
        citizen.screenshot(path=str(ARTIFACTS / "citizen-link.png"), full_page=True)

        record = CollectedRecord.objects.get(plot=plot)
        assert record.channel == Channel.SELF_SUBMITTED and record.status == "draft"
        assert record.holder_id_number in {p.id_number for p in ward["truths"][0].holders}  # read from the QR
        assert "Sổ đang thế chấp ngân hàng" in record.notes
        # The official finds it on the plot page, then revokes the link: the citizen's page says so.
        official.goto(f"{base}/thu-thap/thua-dat/{plot.pk}/")
        official.on("dialog", lambda dialog: dialog.accept())
        official.locator(".citizen-link-list form button").click()
        expect(official.locator(".citizen-link-list")).to_contain_text("đã thu hồi")
        citizen.goto(url)
        expect(citizen.locator("main")).to_contain_text("đã được cán bộ thu hồi")
    assert CitizenLink.objects.get().revoked_at is not None
