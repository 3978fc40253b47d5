"""Leaders open the dashboards in a real browser: figures, chart, drill-down, Excel download, scope."""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, E2E_MARKS, open_page
from tests.reports.campaign import build_campaign

pytestmark = E2E_MARKS


@pytest.fixture
def page():
    with open_page(viewport={"width": 1280, "height": 1100}, accept_downloads=True, timeout_ms=15_000) as page:
        yield page


@pytest.fixture(autouse=True)
def _fresh_report_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _login(page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/dang-nhap/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", "mat-khau-123")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}{next_path}")


def test_admin_dashboard_drill_down_and_export(live_server, page, tmp_path):
    build_campaign()
    base = live_server.url
    _login(page, base, "admin27", "/bao-cao/")

    assert page.locator("[data-figure=target]").first.inner_text() == "11"
    assert page.locator("[data-figure=collected]").first.inner_text() == "6"
    assert page.locator("svg.chart rect").count() == 4  # 01/10 … 04/10, a zero day included
    assert page.locator("table.compare tbody tr").count() == 2
    page.screenshot(path=str(ARTIFACTS / "dashboard-province.png"), full_page=True)

    page.click("text=10001 Phường An Bình")
    page.wait_for_url(f"{base}/bao-cao/xa/10001/")
    assert page.locator("[data-figure=percent]").inner_text() == "166,7"
    assert page.locator("[data-figure=not_matched]").inner_text() == "2"
    page.screenshot(path=str(ARTIFACTS / "dashboard-commune.png"), full_page=True)

    with page.expect_download() as info:
        page.click("text=Bảng thửa đất và kết quả (Excel)")
    download = info.value
    assert download.suggested_filename.startswith("thua-dat_10001_") and download.suggested_filename.endswith(".xlsx")
    import openpyxl

    target = tmp_path / download.suggested_filename
    download.save_as(target)
    book = openpyxl.load_workbook(target, read_only=True)
    assert book.worksheets[0].max_row == 7  # header + 6 plots


def test_official_sees_own_commune_only(live_server, page):
    build_campaign()
    base = live_server.url
    _login(page, base, "canbo-b", "/bao-cao/xa/20001/")
    assert page.locator("[data-figure=collected]").inner_text() == "1"
    response = page.goto(f"{base}/bao-cao/xa/10001/")
    assert response.status == 404
