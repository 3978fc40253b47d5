"""The Content-Security-Policy in a real browser: the portal's pages load with no violation, and the
behaviours moved out of inline attributes into static/js/portal.js still work."""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, E2E_MARKS, launch, log_in, new_page
from tests.security.conftest import build_world

pytestmark = E2E_MARKS


@pytest.fixture
def browser():
    with launch() as chromium:
        yield chromium


def _page(browser, violations: list[str]):
    page = new_page(browser, viewport={"width": 1280, "height": 900}, timeout_ms=15_000)
    page.on(
        "console",
        lambda msg: (
            violations.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text or "Refused to" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: violations.append(f"{page.url}: page error {exc}"))
    return page


def test_pages_load_without_csp_violations(live_server, browser):
    from playwright.sync_api import expect

    world = build_world()
    base = live_server.url
    violations: list[str] = []
    a = world.a

    page = _page(browser, violations)
    log_in(page, base, world.users["official_a"].username)
    for path in [
        "/",
        "/thu-thap/thua-dat/",
        f"/thu-thap/thua-dat/{a['plot'].pk}/",
        f"/thu-thap/ban-ghi/{a['draft'].pk}/",
        f"/bao-cao/xa/{a['commune'].code}/",
    ]:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    # The record form's double-submit guard now comes from static/js/portal.js.
    page.goto(f"{base}/thu-thap/ban-ghi/{a['draft'].pk}/")
    expect(page.locator("#record-form")).to_have_attribute("data-guarded", "1")
    # The scan panel's styles now come from static/css/scans.css.
    assert page.evaluate("[...document.styleSheets].some(s => (s.href || '').endsWith('/css/scans.css'))")
    page.screenshot(path=str(ARTIFACTS / "csp-record-form.png"), full_page=True)
    # The language switch (was an inline onchange) still submits on change.
    page.goto(f"{base}/")
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == "en"

    reviewer = _page(browser, violations)
    log_in(reviewer, base, world.users["reviewer_a"].username)
    for path in ["/kiem-tra/", f"/kiem-tra/ban-ghi/{a['record'].pk}/", "/bao-cao/"]:
        reviewer.goto(base + path)
        reviewer.wait_for_load_state("networkidle")
    reviewer.screenshot(path=str(ARTIFACTS / "csp-review.png"), full_page=True)

    assert not violations, "\n".join(violations)

    # The listener really sees violations: an injected inline script is refused and reported.
    try:
        reviewer.add_script_tag(content="window.injected = 1")
    except Exception:  # noqa: BLE001  (Playwright may report the blocked tag as an error)
        pass
    reviewer.wait_for_timeout(200)
    assert reviewer.evaluate("window.injected") is None
    assert violations, "an inline script ran or went unreported"


def test_a_re_collect_button_still_asks_for_confirmation(live_server, browser):
    """plot_detail's "Thu thập lại" asked with an inline onclick; now data-confirm + portal.js."""
    from collection.models import CollectedRecord

    world = build_world()
    base = live_server.url
    violations: list[str] = []
    page = _page(browser, violations)
    log_in(page, base, world.users["official_a"].username)
    plot = world.campaign.plots["a1"]  # has a submitted record: the button asks first
    before = CollectedRecord.objects.filter(plot=plot).count()
    page.goto(f"{base}/thu-thap/thua-dat/{plot.pk}/")
    dialogs: list[str] = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("#collect-button")
    page.wait_for_timeout(300)
    assert dialogs and "Thu thập thêm" in dialogs[0]
    assert page.url.endswith(f"/thu-thap/thua-dat/{plot.pk}/")
    assert CollectedRecord.objects.filter(plot=plot).count() == before
    assert not violations, "\n".join(violations)


def test_admin_pages_load_without_csp_violations(live_server, browser):
    """The Django admin (and the import pages) under the same policy, as a province admin."""
    world = build_world()
    admin = world.campaign.admin
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    base = live_server.url
    violations: list[str] = []
    page = _page(browser, violations)
    page.goto(f"{base}/quan-tri/login/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", "mat-khau-123")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/quan-tri/")
    batch = world.b["batch"]
    record = world.b["record"]
    for path in [
        "/quan-tri/",
        "/quan-tri/landdata/plot/",
        f"/quan-tri/landdata/plot/{world.b['plot'].pk}/change/",
        "/quan-tri/collection/documentaccess/",
        "/quan-tri/landdata/importbatch/",
        "/quan-tri/landdata/importbatch/nhap/registry/",
        f"/quan-tri/landdata/importbatch/{batch.pk}/tien-do/",
        f"/quan-tri/collection/scan/?record__id__exact={record.pk}",
    ]:
        response = page.goto(base + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert not violations, "\n".join(violations)
