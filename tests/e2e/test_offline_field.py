"""The official's phone without signal (Playwright, Debian's Chromium, 390×844): nothing typed or
photographed is lost, nothing is sent twice."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image

from collection.models import CollectedRecord, Role, Scan
from tests.browser import ARTIFACTS, E2E_MARKS, PHONE, launch, log_in
from tests.factories import FormerCommuneFactory, LandUserFactory, PlotFactory, user_with_scope

pytestmark = E2E_MARKS


def photo_file(tmp_path, name: str, size=(3000, 4000), seed: int = 1, grain: float = 0.12) -> str:
    """A 12 MP phone photo of a printed page: paper, lines of dark marks, sensor noise (`grain`)."""
    from PIL import ImageDraw

    image = Image.new("RGB", size, (238, 232, 214))
    draw = ImageDraw.Draw(image)
    for y in range(300, size[1] - 300, 90):
        for x in range(250, size[0] - 250, 150 + 10 * seed):
            draw.rectangle((x, y, x + 100, y + 30), fill=(35, 35, 40))
    noise = Image.effect_noise(size, 25).convert("RGB")
    image = Image.blend(image, noise, grain)
    path = tmp_path / name
    image.save(path, "JPEG", quality=92)
    return str(path)


def wait_until(predicate, timeout: float = 30, what: str = "", page=None) -> None:
    """Poll `predicate`; with a page, wait through Playwright so that its callbacks (routes) keep running."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        if page is not None:
            page.wait_for_timeout(250)
        else:
            time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def field(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    former = FormerCommuneFactory()
    plot = PlotFactory(former_commune=former, map_sheet="12", plot_number="345", area_m2="230.8", land_use="ONT+CLN")
    LandUserFactory(plot=plot, full_name="Đặng Văn Hạnh", birth_year=1945, id_number="105032582")
    other = PlotFactory(former_commune=former, map_sheet="12", plot_number="346")
    LandUserFactory(plot=other, full_name="Trần Thị Long", birth_year=1971)
    user_with_scope(Role.OFFICIAL, commune=former.commune, username="canbo_offline")
    return {"plot": plot, "other": other}


def phone_context(browser):
    context = browser.new_context(locale="vi-VN", **PHONE)
    context.set_default_timeout(20_000)
    context.on("console", lambda msg: print("console:", msg.type, msg.text))
    context.on("weberror", lambda err: print("weberror:", err.error))
    return context


def online_visit(page, base: str) -> None:
    """Sign in and open the plot list once: the phone keeps the plots and installs the service worker."""
    log_in(page, base, "canbo_offline")
    page.goto(f"{base}/thu-thap/thua-dat/")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.locator("[data-plots-updated]").first.wait_for()
    wait_until(lambda: "cập nhật lúc" in page.locator("[data-plots-updated]").first.inner_text(), what="plots stored")
    # The worker controls the next navigations.
    page.reload()
    assert page.evaluate("() => !!navigator.serviceWorker.controller")


def test_offline_from_the_start_of_a_visit_one_record_with_three_photos_arrives(live_server, field, tmp_path):
    base = live_server.url
    photos = [photo_file(tmp_path, f"p{i}.jpg", seed=i) for i in range(3)]
    with launch() as browser:
        context = phone_context(browser)
        page = context.new_page()
        online_visit(page, base)

        context.set_offline(True)
        page.goto(f"{base}/thu-thap/thua-dat/")
        page.locator("#offline-app .plot-row").first.wait_for()
        page.fill("#id_q", "dang van hanh")  # without diacritics
        rows = page.locator("#offline-app .plot-row")
        wait_until(lambda: rows.count() == 1, what="one plot found")
        rows.first.locator("a.plot-key").click()
        page.wait_for_url(f"**/thu-thap/thua-dat/{field['plot'].pk}/")
        page.locator("#collect-button").click()
        page.wait_for_url(f"**/thu-thap/thua-dat/{field['plot'].pk}/thu-thap/?ban-ghi=*")
        page.fill("[name=holder_name]", "Đặng Văn Hạnh")
        page.fill("[name=holder_birth]", "1945")
        page.fill("[name=area_m2]", "230,8")
        page.fill("[name=land_use]", "ONT+CLN")
        page.set_input_files('input[data-photo-kind="cert_1"]', photos[0])
        page.set_input_files('input[data-photo-kind="id_front"]', photos[1])
        page.set_input_files('input[data-photo-kind="id_back"]', photos[2])
        wait_until(lambda: page.locator("[data-local-photos] li").count() == 3, what="three photos kept")
        # Without signal the check at the door says it will check later; the checklist still works.
        assert page.locator("[data-live-check-offline]").is_visible()
        wait_until(lambda: page.locator("[data-checklist-items] li.done").count() == 3, what="checklist done")
        assert page.locator("[data-checklist-items] li.missing").count() == 0
        page.screenshot(path=str(ARTIFACTS / "offline-form.png"), full_page=True)
        page.click("#submit-record")
        page.wait_for_url(f"**/thu-thap/thua-dat/{field['plot'].pk}/")
        assert not CollectedRecord.objects.exists() and not Scan.objects.exists()  # nothing left the phone
        page.close()

        context.set_offline(False)
        page = context.new_page()
        page.goto(f"{base}/")
        wait_until(
            lambda: (
                CollectedRecord.objects.filter(status="submitted").exists()
                and Scan.objects.filter(status=Scan.Status.READY).count() == 3
            ),
            timeout=60,
            what="the record and its photos on the server",
        )
        record = CollectedRecord.objects.get()
        assert (record.holder_name, record.holder_birth_year, str(record.area_m2)) == ("Đặng Văn Hạnh", 1945, "230.80")
        assert record.scans.count() == 3 and {s.kind for s in record.scans.all()} == {"cert_1", "id_front", "id_back"}
        # Shrunk on the phone: long side 2,400 px, a fraction of the original's bytes.
        assert {(s.width, s.height) for s in record.scans.all()} == {(1800, 2400)}
        assert max(s.size_bytes for s in record.scans.all()) < min(Path(p).stat().st_size for p in photos) / 2
        wait_until(lambda: CollectedRecord.objects.get().matched_at is not None, what="matched")
        page.goto(f"{base}/thu-thap/hop-thu-di/")
        page.locator("#outbox-list").wait_for()
        wait_until(
            lambda: (
                "Không còn gì chờ gửi" in page.inner_text("#outbox-list")
                or page.locator(".outbox-item[data-state=sent]").count() == 1
            ),
            what="outbox shows it sent",
        )
        context.close()


def open_form_online(page, base: str, plot) -> None:
    page.goto(f"{base}/thu-thap/thua-dat/{plot.pk}/")
    page.click("#collect-button")
    page.wait_for_url("**/ban-ghi/*/")
    page.locator("form[data-field-ready]").wait_for(state="attached")


def test_three_cuts_in_the_middle_of_a_photo_each_cost_at_most_one_chunk(live_server, field, tmp_path, monkeypatch):
    from collection.scans import uploads

    received = []
    real_append = uploads.upload_append

    def counting_append(**kwargs):
        read = kwargs["read_body"]

        def counted() -> bytes:
            data = read()
            received.append(len(data))
            return data

        return real_append(**{**kwargs, "read_body": counted})

    monkeypatch.setattr(uploads, "upload_append", counting_append)
    big = photo_file(tmp_path, "gcn.jpg", size=(3000, 4000), seed=5, grain=0.6)
    with launch() as browser:
        context = phone_context(browser)
        page = context.new_page()
        online_visit(page, live_server.url)
        open_form_online(page, live_server.url, field["plot"])
        cdp = context.new_cdp_session(page)
        # 3G as the commune's phones have it: 1.6 Mbit/s up, 150 ms latency.
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 150, "downloadThroughput": 200_000, "uploadThroughput": 200_000},
        )
        page.set_input_files('input[data-photo-kind="cert_1"]', big)
        for cut in range(3):
            wait_until(lambda n=cut: len(received) >= 1 + n, timeout=60, what="a chunk arrives", page=page)
            page.wait_for_timeout(700)  # in the middle of the next chunk
            context.set_offline(True)
            page.wait_for_timeout(1500)
            context.set_offline(False)
            cdp.send(
                "Network.emulateNetworkConditions",
                {"offline": False, "latency": 150, "downloadThroughput": 200_000, "uploadThroughput": 200_000},
            )
        wait_until(
            lambda: Scan.objects.filter(status=Scan.Status.READY).exists(),
            timeout=90,
            what="the photo arrives",
            page=page,
        )
        scan = Scan.objects.get()
        resent = sum(received) - scan.size_bytes
        assert scan.size_bytes > 3 * 256 * 1024  # the photo takes several chunks
        assert 0 <= resent <= 3 * 256 * 1024, f"{resent} bytes sent again for 3 cuts"
        assert Scan.objects.count() == 1
        context.close()


def test_the_session_ends_while_offline_after_signing_in_the_outbox_is_sent(live_server, field, tmp_path):
    from django.contrib.sessions.models import Session

    base = live_server.url
    with launch() as browser:
        context = phone_context(browser)
        page = context.new_page()
        online_visit(page, base)
        context.set_offline(True)
        page.goto(f"{base}/thu-thap/thua-dat/{field['plot'].pk}/thu-thap/")
        page.locator("form[data-field-ready]").wait_for(state="attached")
        page.fill("[name=holder_name]", "Đặng Văn Hạnh")
        page.fill("[name=notes]", "Chủ nhà đi vắng, con trai ký thay.")
        page.set_input_files('input[data-photo-kind="cert_1"]', photo_file(tmp_path, "a.jpg"))
        page.click("#submit-record")
        page.click("[data-checklist-send]")  # the CCCD photos are missing: sent anyway
        page.wait_for_url(f"**/thu-thap/thua-dat/{field['plot'].pk}/")
        Session.objects.all().delete()  # the working day is over: the session has ended

        context.set_offline(False)
        page.goto(f"{base}/thu-thap/hop-thu-di/")
        login = page.locator(".outbox-item[data-state=login] a.button")
        login.wait_for(timeout=30_000)
        assert not CollectedRecord.objects.exists()
        login.click()
        page.wait_for_url("**/dang-nhap/**")
        page.fill("#id_username", "canbo_offline")
        page.fill("#id_password", "mat-khau-123")
        page.click("button[type=submit].primary")
        page.wait_for_url("**/thu-thap/hop-thu-di/")
        wait_until(
            lambda: CollectedRecord.objects.filter(status="submitted").exists() and Scan.objects.count() == 1,
            timeout=60,
            what="the outbox sent after signing in",
        )
        record = CollectedRecord.objects.get()
        assert (record.holder_name, record.notes) == ("Đặng Văn Hạnh", "Chủ nhà đi vắng, con trai ký thay.")
        context.close()


def test_a_record_changed_on_the_server_is_shown_as_a_conflict_and_neither_version_is_lost(live_server, field):
    base = live_server.url
    with launch() as browser:
        context = phone_context(browser)
        page = context.new_page()
        online_visit(page, base)
        open_form_online(page, base, field["plot"])
        record = CollectedRecord.objects.get()
        CollectedRecord.objects.filter(pk=record.pk).update(holder_name="Đặng Văn Hạnh (tổ trưởng sửa)")
        page.fill("[name=holder_name]", "Đặng Văn Hành")
        page.click("#save-draft")
        page.locator("[data-field-status].error").wait_for()
        page.goto(f"{base}/thu-thap/hop-thu-di/")
        box = page.locator(".outbox-item[data-state=conflict] .conflict-box")
        box.wait_for()
        text = box.inner_text()
        assert "Đặng Văn Hành" in text and "Đặng Văn Hạnh (tổ trưởng sửa)" in text
        assert CollectedRecord.objects.get().holder_name == "Đặng Văn Hạnh (tổ trưởng sửa)"  # not overwritten
        page.screenshot(path=str(ARTIFACTS / "offline-conflict.png"), full_page=True)
        box.get_by_role("button", name="Dùng bản trên máy chủ").click()
        wait_until(
            lambda: page.evaluate("() => Field.db().then(db => db.getAll('archive')).then(rows => rows.length)") == 1,
            what="mine archived",
        )
        archived = page.evaluate(
            "() => Field.db().then(db => db.getAll('archive')).then(rows => rows[0].values.holder_name)"
        )
        assert archived == "Đặng Văn Hành"
        assert CollectedRecord.objects.get().holder_name == "Đặng Văn Hạnh (tổ trưởng sửa)"
        context.close()


def test_the_same_submission_sent_twice_is_one_record(live_server, field):
    base = live_server.url
    with launch() as browser:
        context = phone_context(browser)
        page = context.new_page()
        online_visit(page, base)
        lost = {"n": 0}

        def lose_the_first_answer(route):
            response = route.fetch()  # the server gets it and answers...
            if lost["n"] == 0 and (route.request.post_data_json or {}).get("submit"):
                lost["n"] += 1
                route.abort()  # ...but the answer never reaches the phone
            else:
                route.fulfill(response=response)

        page.route("**/api/v1/field/records/**", lose_the_first_answer)
        open_form_online(page, base, field["plot"])
        page.fill("[name=holder_name]", "Đặng Văn Hạnh")
        page.locator("#submit-record").dblclick()  # a double tap…
        page.locator("[data-checklist-send]").dblclick()  # …and again on "Vẫn gửi" (the photos are missing)
        wait_until(lambda: lost["n"] == 1, what="the lost answer", page=page)
        page.wait_for_url(f"**/thu-thap/thua-dat/{field['plot'].pk}/")  # "sẽ tự gửi khi có mạng"
        page.goto(f"{base}/")  # the next page sends the outbox again
        wait_until(lambda: CollectedRecord.objects.filter(status="submitted").exists(), what="submitted", page=page)
        page.wait_for_timeout(1000)
        assert CollectedRecord.objects.count() == 1
        context.close()


def test_a_photo_over_the_limit_is_refused_on_the_phone_and_nothing_is_sent(live_server, field, settings, tmp_path):
    settings.SCAN_MAX_BYTES = 60_000
    base = live_server.url
    with launch() as browser:
        context = phone_context(browser)
        page = context.new_page()
        uploads = []
        page.on("request", lambda request: uploads.append(request.url) if "/field/uploads/" in request.url else None)
        online_visit(page, base)
        open_form_online(page, base, field["plot"])
        page.set_input_files('input[data-photo-kind="cert_1"]', photo_file(tmp_path, "big.jpg"))
        status = page.locator("[data-field-status].error")
        status.wait_for()
        assert "quá lớn" in status.inner_text()
        time.sleep(1)
        assert uploads == [] and not Scan.objects.exists()
        assert page.evaluate("() => Field.db().then(db => db.getAll('photos')).then(rows => rows.length)") == 0
        context.close()
