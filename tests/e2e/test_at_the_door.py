"""At the door, on a 390×844 phone: the live check says the CCCD's name differs right after "Điền từ
mã QR"; "Gửi" lists what is missing and gives the citizen a slip; the plot page says "Đang đối
chiếu…" and then shows the flags in words, without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from collection.models import CollectedRecord, Role
from tests.browser import ARTIFACTS, E2E_MARKS, PHONE, launch, log_in
from tests.collection.scans import images
from tests.factories import FormerCommuneFactory, LandUserFactory, PlotFactory, user_with_scope
from verification import receivers, tasks
from verification.models import FlagCode

pytestmark = E2E_MARKS

# The card of the holder, whose name the registry spells differently (Hạnh / Hành).
QR_TEXT = "027045605136|105032582|Đặng Văn Hành|12031945|Nam|Thôn 1, xã cũ|01012022"


@pytest.fixture
def door(settings, tmp_path, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # photos are processed at once…
    queued: list[int] = []
    monkeypatch.setattr(receivers, "_queue_match", queued.append)  # …matching waits for a busy worker
    former = FormerCommuneFactory()
    plot = PlotFactory(former_commune=former, map_sheet="12", plot_number="345", area_m2="230.8")
    LandUserFactory(plot=plot, full_name="Đặng Văn Hạnh", birth_year=1945, id_number="105032582")
    user_with_scope(Role.OFFICIAL, commune=former.commune, username="canbo_cua")
    card = tmp_path / "cccd.jpg"
    card.write_bytes(images.encode(images.id_card_with_qr(QR_TEXT), "JPEG", quality=92))
    return {"plot": plot, "card": str(card), "queued": queued}


def test_the_check_happens_while_the_citizen_is_at_the_door(live_server, door):
    plot, base = door["plot"], live_server.url
    with launch() as browser:
        context = browser.new_context(locale="vi-VN", **PHONE)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        page = context.new_page()
        page.set_default_timeout(20_000)
        log_in(page, base, "canbo_cua")
        page.goto(f"{base}/thu-thap/thua-dat/{plot.pk}/")
        page.click("#collect-button")
        page.wait_for_url("**/ban-ghi/*/")

        # The CCCD's QR fills the form; the live check says at once that its name is not the registry's.
        page.set_input_files('input[data-photo-kind="id_front"]', door["card"])
        page.locator("button[data-scan-fill]").click()
        differs = page.locator('[data-live-check] .live-differs[data-field="holder_name"]')
        expect(differs).to_contain_text("Tên trên CCCD “Đặng Văn Hành” khác tên trong sổ địa chính “Đặng Văn Hạnh”")
        expect(page.locator('[data-live-check] .live-new[data-field="holder_id_number"]')).to_be_visible()
        page.fill("[name=area_m2]", "230,8")
        expect(page.locator('[data-live-check] .live-match[data-field="area_m2"]')).to_be_visible()
        # What is still missing, as the form is filled: the certificate and the back of the card.
        checklist = page.locator("[data-checklist-items]")
        expect(checklist.locator("li.missing")).to_have_count(2)
        expect(checklist.locator('li.done[data-key="holder_id_front"]')).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "door-live-check.png"), full_page=True)

        # "Gửi": the missing items, and a slip for the citizen with no ID number in it.
        page.click("#submit-record")
        dialog = page.locator("[data-checklist-dialog]")
        expect(dialog).to_be_visible()
        expect(dialog.locator("[data-checklist-missing] li")).to_have_count(2)
        slip = dialog.locator("[data-slip-text]").input_value()
        assert "Tờ 12 thửa 345" in slip and "CCCD mặt sau của người đứng tên" in slip
        assert "027045605136" not in slip and "105032582" not in slip
        dialog.locator("[data-slip-copy]").click()
        expect(dialog.locator("[data-slip-copied]")).to_be_visible()
        assert page.evaluate("() => navigator.clipboard.readText()") == slip
        page.screenshot(path=str(ARTIFACTS / "door-checklist.png"))
        # "Quay lại bổ sung" sends nothing…
        dialog.locator("[data-checklist-back]").click()
        expect(dialog).to_be_hidden()
        assert CollectedRecord.objects.get(plot=plot).status == CollectedRecord.Status.DRAFT
        # …"Vẫn gửi" sends.
        page.click("#submit-record")
        dialog.locator("[data-checklist-send]").click()
        page.wait_for_url(f"**/thua-dat/{plot.pk}/")

        # Matching has not run yet: the plot page says so, never "no discrepancies".
        record = CollectedRecord.objects.get(plot=plot)
        assert record.status == CollectedRecord.Status.SUBMITTED
        awaiting = page.locator("[data-awaiting-match]")
        expect(awaiting).to_be_visible()
        assert "Không có sai lệch" not in page.locator("main").inner_text()
        # The worker gets to it; the page updates by itself.
        assert record.pk in door["queued"]
        tasks.match_record(record.pk)
        expect(awaiting).to_be_hidden(timeout=10_000)
        flags = page.locator(".plot-flags .flag-item")
        expect(flags.first).to_be_visible()
        text = page.locator("main").inner_text()
        assert "Tên khác sổ địa chính" in text
        assert not any(code in text for code in FlagCode.values), text
        assert "holder_name" not in text
        page.screenshot(path=str(ARTIFACTS / "door-flags-in-words.png"), full_page=True)
        context.close()
