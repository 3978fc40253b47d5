"""A group leader, on a 390×844 phone, hands map sheet 12 to one official: the page fits the screen,
the official's load says so, and the official's list then opens on "my plots"."""

from __future__ import annotations

from playwright.sync_api import expect

from collection.models import PlotAssignment, Role
from tests.browser import ARTIFACTS, E2E_MARKS, PHONE, launch, log_in
from tests.factories import (
    AssignmentFactory,
    FormerCommuneFactory,
    PlotFactory,
    WorkingGroupFactory,
    user_with_scope,
)

pytestmark = E2E_MARKS


def test_a_leader_assigns_a_sheet_to_an_official_on_a_phone(live_server):
    former = FormerCommuneFactory()
    group = WorkingGroupFactory(commune=former.commune, name="Tổ 2")
    AssignmentFactory(former_commune=former, commune=former.commune, working_group=group)
    sheet_12 = [PlotFactory(former_commune=former, map_sheet="12", address="Thôn Đông") for _ in range(4)]
    PlotFactory(former_commune=former, map_sheet="13", address="Thôn Tây")
    user_with_scope(Role.GROUP_LEADER, commune=former.commune, working_group=group, username="totruong")
    lan = user_with_scope(Role.OFFICIAL, commune=former.commune, working_group=group, username="canbo_lan")
    lan.first_name, lan.last_name = "Lan", "Nguyễn Thị"
    lan.save()
    base = live_server.url
    with launch() as browser:
        page = browser.new_context(locale="vi-VN", **PHONE).new_page()
        page.set_default_timeout(20_000)
        log_in(page, base, "totruong")
        page.click("text=Giao thửa cho cán bộ")
        page.wait_for_url("**/giao-thua/")
        page.fill("#id_sheet", "12")
        page.select_option("#id_official", label="Lan Nguyễn Thị (canbo_lan)")
        button = page.locator("#assign-form button[value=assign]")
        box = button.bounding_box()
        assert box and box["height"] >= 44
        button.click()
        page.wait_for_url("**/giao-thua/")
        expect(page.locator(".messages")).to_contain_text("Đã giao 4 thửa cho Lan Nguyễn Thị (canbo_lan).")
        expect(page.locator('#official-loads [data-official="canbo_lan"] [data-assigned]')).to_have_text("4")
        # Nothing wider than the phone.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(ARTIFACTS / "assign-sheet.png"), full_page=True)
        assert set(PlotAssignment.objects.filter(official=lan).values_list("plot_id", flat=True)) == {
            p.pk for p in sheet_12
        }

        # The official's own list opens on their plots.
        official = browser.new_context(locale="vi-VN", **PHONE).new_page()
        official.set_default_timeout(20_000)
        log_in(official, base, "canbo_lan")
        expect(official.locator("#my-plots [data-assigned]")).to_have_text("4")
        official.goto(f"{base}/thu-thap/thua-dat/")
        expect(official.locator("li.plot-row")).to_have_count(4)
        assert official.evaluate("() => document.documentElement.scrollWidth") <= 390
        official.screenshot(path=str(ARTIFACTS / "assign-my-plots.png"), full_page=True)
