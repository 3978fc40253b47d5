"""A reviewer works the desk in a real browser: filter, open, accept, return, see the outcome change."""

from __future__ import annotations

import pytest

from collection.models import Role
from tests.browser import ARTIFACTS, E2E_MARKS, log_in, open_page
from tests.factories import CollectedRecordFactory, LandUserFactory, PlotFactory, user_with_scope
from tests.verification.test_review_services import build_desk
from verification import outcomes
from verification.models import Flag, PlotOutcome

pytestmark = E2E_MARKS


@pytest.fixture
def browser_page():
    with open_page(viewport={"width": 1280, "height": 1000}, timeout_ms=15_000) as page:
        yield page


def test_reviewer_filters_opens_accepts_returns(live_server, browser_page):
    page = browser_page
    desk = build_desk()
    name_flag = desk.flag(similarity=0.71)  # record 1: only a name flag → accepting it cleans the plot
    former = desk.record.former_commune
    plot2 = PlotFactory(former_commune=former, map_sheet="12", plot_number="346", area_m2="400")
    LandUserFactory(plot=plot2, full_name="Phạm Thị Dung", birth_year=1971)
    record2 = CollectedRecordFactory(
        former_commune=former,
        map_sheet="12",
        plot_number="346",
        plot=plot2,
        holder_name="Phạm Thị Dung",
        holder_birth_year=1971,
        area_m2="455",
    )
    area_flag = desk.flag(
        "AREA_MISMATCH",
        record=record2,
        field="area_m2",
        severity="medium",
        registry_value="400",
        collected_value="455",
        land_user=None,
    )
    desk.flag(
        "LAND_USE_MISMATCH",
        record=record2,
        field="land_use",
        severity="low",
        registry_value="ONT",
        collected_value="ONT+CLN",
        land_user=None,
    )
    outcomes.refresh_outcomes(plot_keys=[(former.code, "12", "345"), (former.code, "12", "346")])
    official = user_with_scope(Role.OFFICIAL, commune=former.commune, username="canbo_xa_a")
    desk.reviewer.username = "kiemtra_a"
    desk.reviewer.save()

    base = live_server.url
    log_in(page, base, "kiemtra_a")
    page.goto(f"{base}/kiem-tra/")
    assert page.locator("article.queue-item").count() == 2

    # Filter the queue by code.
    page.select_option("#id_code", "OWNER_NAME_MISMATCH")
    page.click("#queue-filters button[type=submit]")
    page.wait_for_url("**code=OWNER_NAME_MISMATCH**")
    assert page.locator("article.queue-item").count() == 1
    assert page.locator(f"#record-{desk.record.pk}").is_visible()
    page.screenshot(path=str(ARTIFACTS / "review-queue.png"), full_page=True)

    # Open the record: registry and collected side by side, the difference highlighted.
    page.click(f"#record-{desk.record.pk} a.plot-key")
    page.wait_for_url(f"**/kiem-tra/ban-ghi/{desk.record.pk}/")
    assert page.locator("table.side-by-side tr.diff").count() >= 1
    assert page.locator("#plot-outcome [data-outcome]").get_attribute("data-outcome") == "pending_review"

    # Accept the name flag: the card re-renders (htmx) and the outcome becomes "cleaned".
    card = page.locator(f"#flag-{name_flag.pk}")
    card.locator("input[name=decision][value=accept]").check()
    card.locator("button[type=submit]").click()
    page.wait_for_selector(f"#flag-{name_flag.pk}[data-status=accepted]")
    page.wait_for_selector("#plot-outcome [data-outcome=cleaned]")
    desk.owner.refresh_from_db()
    assert desk.owner.full_name == "Nguyễn Văn Ân"
    page.wait_for_selector("#plot-history td:has-text('full_name')")  # history re-rendered too
    page.screenshot(path=str(ARTIFACTS / "review-desk-accepted.png"), full_page=True)

    # Back to the queue; open the other record and return its area flag with a note.
    page.goto(f"{base}/kiem-tra/")
    page.click(f"#record-{record2.pk} a.plot-key")
    page.wait_for_url(f"**/kiem-tra/ban-ghi/{record2.pk}/")
    card = page.locator(f"#flag-{area_flag.pk}")
    card.locator("input[name=decision][value=return]").check()
    card.locator("textarea[name=note]").fill("Đo lại diện tích, gửi kèm ảnh trang 2 GCN")
    card.locator("button[type=submit]").click()
    page.wait_for_selector(f"#flag-{area_flag.pk}[data-status=returned]")
    page.wait_for_selector("#plot-outcome .record-status[data-status=returned]")
    assert "Đo lại diện tích" in page.locator(f"#flag-{area_flag.pk} .latest-note").inner_text()
    assert page.locator("#plot-outcome [data-outcome]").get_attribute("data-outcome") == "pending_review"
    page.screenshot(path=str(ARTIFACTS / "review-desk.png"), full_page=True)
    assert Flag.objects.get(pk=area_flag.pk).status == "returned"
    assert PlotOutcome.objects.get(former_commune=former, sheet_key="12", number_key="345").outcome == "cleaned"

    # The official of the commune sees the note in the record's flag fragment.
    page.context.clear_cookies()
    log_in(page, base, official.username)
    page.goto(f"{base}/kiem-tra/ban-ghi/{record2.pk}/sai-lech/")
    assert "Đo lại diện tích" in page.content()
    response = page.goto(f"{base}/kiem-tra/")
    assert response.status == 403
