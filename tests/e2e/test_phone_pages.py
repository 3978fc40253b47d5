"""Every role's main pages on a 390×844 phone: nothing wider than the screen, every control big enough
to tap (44×44 CSS px), and axe-core (vendored, static/vendor/axe-core) finds nothing.

The browser asks for English (`locale="en-US"`): the portal must still answer in Vietnamese, its
default, unless the user picks English in the portal itself (see `test_english_browser_still_gets_vietnamese`).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from collection.models import CollectedRecord, Role, ScanKind
from tests.browser import ARTIFACTS, E2E_MARKS, PHONE, launch, log_in
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CertificateFactory,
    CollectedRecordFactory,
    CommuneFactory,
    CommuneTargetFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
    ProvinceFactory,
    WorkingGroupFactory,
    user_with_scope,
)
from tests.reports.factories import ScanFactory
from verification import outcomes, services
from verification.models import Flag, Severity

pytestmark = E2E_MARKS

SCREEN_WIDTH = PHONE["viewport"]["width"]
MIN_TARGET = 44  # WCAG 2.5.5 (AAA) / Android's 48 dp, what a thumb on a cheap phone needs
AXE_URL = "/static/vendor/axe-core/axe.min.js"

NAMES = [
    "Nguyễn Thị Phương Thảo",
    "Trần Văn Bình",
    "Lê Hoàng Long",
    "Phạm Thị Dung",
    "Hoàng Minh Tuấn",
    "Đặng Văn Hạnh",
    "Vũ Thị Ngọc Ánh",
    "Bùi Quang Khải",
]


@dataclass
class World:
    official: object
    leader: object
    reviewer: object
    admin: object
    flagged_plot: object
    draft: CollectedRecord
    returned: CollectedRecord
    review: CollectedRecord


def _jpeg(color) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), color).save(out, "JPEG")
    return out.getvalue()


def _flag(record, code, *, field, registry, collected, severity, age_days=0.0, land_user=None) -> Flag:
    flag = Flag.objects.create(
        record=record,
        plot=record.plot,
        former_commune=record.former_commune,
        commune=record.former_commune.commune,
        land_user=land_user,
        code=code,
        field=field,
        registry_value=registry,
        collected_value=collected,
        severity=severity,
    )
    if age_days:
        Flag.objects.filter(pk=flag.pk).update(created_at=timezone.now() - dt.timedelta(days=age_days))
    return flag


def build_world() -> World:
    """A ward of two former communes (one with a working group), 30 plots with two or three land users,
    a dozen collected records, flags of several codes and ages, one record returned with a note."""
    province = ProvinceFactory()
    branch = BranchFactory(
        code="CN-TS", name="Chi nhánh Văn phòng đăng ký đất đai thị xã Thuận Thành", province=province
    )
    ward = CommuneFactory(code="09253", name="Phường Nhân Hòa", branch=branch, province=province)
    other = CommuneFactory(code="09256", name="Phường Trạm Lộ", branch=branch, province=province)
    former_a = FormerCommuneFactory(code="09253", name="Xã Nhân Hòa", commune=ward)
    former_b = FormerCommuneFactory(code="09254", name="Xã Phương Liễu", commune=ward)
    former_c = FormerCommuneFactory(code="09256", name="Xã Trạm Lộ", commune=other)
    group = WorkingGroupFactory(commune=ward, name="Tổ công tác số 1 thôn Đông Côi")
    AssignmentFactory(former_commune=former_a, commune=ward, working_group=group)
    AssignmentFactory(former_commune=former_b, commune=ward)
    AssignmentFactory(former_commune=former_c, commune=other)
    CommuneTargetFactory(commune=ward, target_plots=1200)
    CommuneTargetFactory(commune=other, target_plots=800)

    plots = []
    for i in range(30):
        former = (former_a, former_b, former_c)[i % 3]
        plot = PlotFactory(
            former_commune=former,
            map_sheet=str(12 + i // 10),
            plot_number=str(340 + i),
            area_m2=Decimal("230.8") + i,
            land_use="ONT+CLN" if i % 2 else "ONT",
            address=f"Thôn Đông Côi, {former.name}",
        )
        cert = CertificateFactory(plot=plot, serial=f"CS{i:02d}0123456789")
        for k in range(3 if i % 4 == 0 else 2):
            LandUserFactory(
                plot=plot,
                certificate=cert if k == 0 else None,
                full_name=NAMES[(i + k) % len(NAMES)],
                birth_year=1950 + (i * 3 + k) % 50,
                id_number=f"0270{(i * 7 + k) % 10}9012{i:03d}" if k < 2 else "",
            )
        plots.append(plot)

    records = []
    for i, plot in enumerate(plots[:12]):
        owner = plot.land_users.first()
        records.append(
            CollectedRecordFactory(
                former_commune=plot.former_commune,
                map_sheet=plot.map_sheet,
                plot_number=plot.plot_number,
                plot=plot,
                holder_name=owner.full_name + (" Ân" if i % 3 == 0 else ""),
                holder_birth_year=owner.birth_year,
                holder_id_number="027060012345",
                certificate_serial=f"CS{i:02d}0123456789",
                area_m2=plot.area_m2 + (30 if i % 2 else 0),
                land_use=plot.land_use,
                collected_on=timezone.localdate() - dt.timedelta(days=i % 5),
            )
        )
    # Flags of several codes and ages on the first nine records.
    for i, record in enumerate(records[:9]):
        owner = record.plot.land_users.first()
        age = (0.2, 2.0, 5.0)[i % 3]
        _flag(
            record,
            "OWNER_NAME_MISMATCH",
            field="holder_name",
            registry=owner.full_name,
            collected=record.holder_name,
            severity=Severity.HIGH,
            age_days=age,
            land_user=owner,
        )
        _flag(
            record,
            "ID_NUMBER_MISMATCH",
            field="holder_id_number",
            registry=owner.id_number,
            collected=record.holder_id_number,
            severity=Severity.MEDIUM,
            age_days=age,
            land_user=owner,
        )
        _flag(
            record,
            "LAND_USE_MISMATCH",
            field="land_use",
            registry="ONT",
            collected="ONT+CLN+NTS+BHK",
            severity=Severity.LOW,
            age_days=age,
        )
        if i % 2:
            _flag(
                record, "AREA_MISMATCH", field="area_m2", registry="230.8", collected="260.8", severity=Severity.MEDIUM
            )
    for record in records[:3]:
        for n, kind in enumerate((ScanKind.CERT_PAGE_1, ScanKind.ID_FRONT)):
            data = _jpeg((200, 180 + n * 30, 150))
            ScanFactory(
                record=record,
                kind=kind,
                file=ContentFile(data, name=f"anh-{record.pk}-{n}.jpg"),
                thumbnail=ContentFile(data, name=f"nho-{record.pk}-{n}.jpg"),
            )

    official = user_with_scope(Role.OFFICIAL, commune=ward, username="canbo_nhanhoa")
    leader = user_with_scope(Role.GROUP_LEADER, commune=ward, working_group=group, username="totruong_dongcoi")
    reviewer = user_with_scope(Role.REVIEWER, branch=branch, username="kiemtra_thuanthanh")
    admin = user_with_scope(Role.ADMIN, province=province, username="quantri_tinh")
    admin.is_staff = True
    admin.save()

    returned = records[1]
    for flag in Flag.objects.filter(record=returned, code="AREA_MISMATCH"):
        services.flag_decide(
            user=reviewer,
            flag_id=flag.pk,
            expected_version=flag.version,
            decision="return",
            note="Đo lại diện tích theo hiện trạng, gửi kèm ảnh trang 2 của giấy chứng nhận số CS010123456789",
        )
    outcomes.refresh_outcomes(plot_keys=[(r.former_commune_id, r.sheet_key, r.number_key) for r in records])
    draft = CollectedRecordFactory(
        former_commune=plots[18].former_commune,
        map_sheet=plots[18].map_sheet,
        plot_number=plots[18].plot_number,
        plot=plots[18],
        holder_name="",
        holder_birth_year=None,
        status=CollectedRecord.Status.DRAFT,
        collected_by_user=official,
        collected_by=official.username,
    )
    return World(
        official=official,
        leader=leader,
        reviewer=reviewer,
        admin=admin,
        flagged_plot=records[0].plot,
        draft=draft,
        returned=CollectedRecord.objects.get(pk=returned.pk),
        review=records[0],
    )


# --- what is measured on each page -----------------------------------------------------------------

SMALL_TARGETS_JS = """
(min) => {
  const selector = "a[href], button, input[type=checkbox], input[type=radio], select, summary";
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.width >= min && box.height >= min) continue;
    // WCAG 2.5.8's inline exception: a link inside a sentence.
    if (el.matches("p a, li.text a, dd a")) continue;
    // A small checkbox or radio wrapped in (or named by) a label box of 44×44 is one target with it.
    const label = el.closest("label") || (el.id && document.querySelector(`label[for="${el.id}"]`));
    if (label && el.matches("input")) {
      const lb = label.getBoundingClientRect();
      if (lb.width >= min && lb.height >= min) continue;
    }
    const name = (el.getAttribute("aria-label") || el.textContent || el.name || "").trim().slice(0, 40);
    small.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${name}" ${Math.round(box.width)}×${Math.round(box.height)}`);
  }
  return small;
}
"""

AXE_JS = """
async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ` +
    v.nodes.slice(0, 3).map(n => n.target.join(" ") + (n.failureSummary ? " [" + n.failureSummary.replace(/\\s+/g, " ").slice(0, 160) + "]" : "")).join(" | "));
}
"""


def problems(page, name: str) -> list[str]:
    """Everything wrong with the page as it is now on the phone: width, small targets, axe violations."""
    found = []
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > SCREEN_WIDTH:
        wide = page.evaluate(
            """(w) => [...document.querySelectorAll("body *")]
                 .filter(e => e.getBoundingClientRect().right > w + 1 && e.checkVisibility())
                 .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ").join(".") : ""))""",
            SCREEN_WIDTH,
        )
        found.append(f"{name}: page is {width} px wide ({', '.join(wide)})")
    found += [f"{name}: small target {t}" for t in page.evaluate(SMALL_TARGETS_JS, MIN_TARGET)]
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Same origin: the page's CSP (script-src 'self') allows it, where an inline copy would be refused.
        page.add_script_tag(url=AXE_URL)
    found += [f"{name}: axe {v}" for v in page.evaluate(AXE_JS)]
    return found


def check(page, name: str, *, open_menu: bool = True) -> list[str]:
    """The page as loaded, then (on pages with the folded menu) with the menu open."""
    page.wait_for_load_state("networkidle")
    found = problems(page, name)
    page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
    menu = page.locator("details.menu > summary")
    if open_menu and menu.count() and menu.is_visible():
        menu.click()
        found += problems(page, f"{name} (menu open)")
        menu.click()
    return found


@pytest.fixture
def phone():
    with launch() as browser:
        context = browser.new_context(locale="en-US", **PHONE)
        page = context.new_page()
        page.set_default_timeout(20_000)
        yield page
        context.close()


def _visit(page, base: str, path: str, name: str) -> list[str]:
    response = page.goto(f"{base}{path}")
    assert response.status == 200, f"{name}: {path} answered {response.status}"
    return check(page, name)


def test_every_role_main_pages_fit_a_phone(live_server, phone):
    world = build_world()
    base, page = live_server.url, phone
    found: list[str] = []

    page.goto(f"{base}/dang-nhap/")
    found += check(page, "login", open_menu=False)
    icon = page.request.get(f"{base}/favicon.ico")  # browsers ask for it whatever the page says
    assert icon.ok and icon.headers["content-type"].startswith("image/")

    log_in(page, base, world.official.username)
    assert page.locator("#outbox-badge").count() == 1  # the phone's outbox badge stays in the header
    found += check(page, "official-home")
    found += _visit(page, base, "/thu-thap/thua-dat/", "official-plots")
    found += _visit(page, base, f"/thu-thap/thua-dat/{world.flagged_plot.pk}/", "official-plot-with-flags")
    page.wait_for_selector(".plot-flags")  # the flags fragment is loaded by htmx
    found += check(page, "official-plot-with-flags-loaded", open_menu=False)
    found += _visit(page, base, f"/thu-thap/ban-ghi/{world.draft.pk}/", "official-record-form")
    found += _visit(page, base, f"/thu-thap/ban-ghi/{world.returned.pk}/", "official-returned-record")
    found += _visit(page, base, "/bao-cao/", "official-dashboard")

    page.context.clear_cookies()
    log_in(page, base, world.reviewer.username)
    found += check(page, "reviewer-home")
    found += _visit(page, base, "/kiem-tra/", "reviewer-queue")
    page.locator("#queue-filters > summary").click()  # the filters, folded on a phone
    found += problems(page, "reviewer-queue (filters open)")
    found += _visit(page, base, f"/kiem-tra/ban-ghi/{world.review.pk}/", "reviewer-record")
    page.locator(".scan-open").first.click()  # the scan viewer and its tools
    page.wait_for_selector("#scan-viewer:not([hidden])")
    found += problems(page, "reviewer-record (viewer open)")
    page.screenshot(path=str(ARTIFACTS / "phone-reviewer-viewer.png"), full_page=True)
    found += _visit(page, base, "/bao-cao/", "reviewer-dashboard")

    page.context.clear_cookies()
    log_in(page, base, world.leader.username)
    found += _visit(page, base, "/bao-cao/", "leader-dashboard")

    page.context.clear_cookies()
    log_in(page, base, world.admin.username)
    found += _visit(page, base, "/bao-cao/", "admin-dashboard")
    found += _visit(page, base, "/bao-cao/xa/09253/", "admin-commune-dashboard")

    assert found == [], "\n".join(found)


def test_reviewer_home_counts_waiting_flags(live_server, phone):
    world = build_world()
    base, page = live_server.url, phone
    log_in(page, base, world.reviewer.username)
    waiting = page.locator("#waiting-flags")
    # 9 records x 3 flags + 4 area flags, one of them returned (still waiting for the commune).
    assert waiting.locator("[data-total]").get_attribute("data-total") == "31"
    assert waiting.locator("[data-code=OWNER_NAME_MISMATCH] [data-count]").inner_text() == "9"
    assert waiting.locator("[data-code=AREA_MISMATCH] [data-count]").inner_text() == "4"
    ages = {a: waiting.locator(f"[data-age={a}] [data-count]").inner_text() for a in ("day", "days", "older")}
    # Flags aged 0.2, 2 and 5 days, three records each; the four area flags are new.
    assert ages == {"day": "13", "days": "9", "older": "9"}


def test_english_browser_still_gets_vietnamese(live_server, phone):
    """The browser asks for English; the portal answers in Vietnamese (its default) unless the user
    chooses English in the portal. NOTE: this single assertion waits for another change (the language is
    chosen by the portal, not by the browser's Accept-Language); until it lands, it fails."""
    world = build_world()
    base, page = live_server.url, phone
    log_in(page, base, world.official.username)
    assert "Đăng xuất" in page.content()  # Vietnamese although the browser asked for en-US
