"""A reviewer's bulk decision on a 390×844 phone does what it can: of two ticked low flags, "accept"
fits the land use and not the certificate status; the first is decided, the page says how many of
each and why, and the second stays ticked for a decision of its own."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from collection.models import Role
from tests.browser import ARTIFACTS, E2E_MARKS, PHONE, launch, log_in
from tests.factories import (
    BranchFactory,
    CollectedRecordFactory,
    CommuneFactory,
    FormerCommuneFactory,
    PlotFactory,
    user_with_scope,
)
from verification.models import Flag, FlagStatus, Severity

pytestmark = E2E_MARKS


@pytest.fixture
def desk():
    branch = BranchFactory()
    former = FormerCommuneFactory(commune=CommuneFactory(branch=branch))
    plot = PlotFactory(former_commune=former, land_use="ONT")
    record = CollectedRecordFactory(
        former_commune=former, map_sheet=plot.map_sheet, plot_number=plot.plot_number, plot=plot
    )
    common = {"record": record, "plot": plot, "former_commune": former, "commune": former.commune}
    land_use = Flag.objects.create(
        **common,
        code="LAND_USE_MISMATCH",
        field="land_use",
        registry_value="ONT",
        collected_value="ONT+CLN",
        severity=Severity.LOW,
    )
    status = Flag.objects.create(
        **common,
        code="CERTIFICATE_STATUS",
        field="certificate_status",
        registry_value="held",
        collected_value="owner_far_away",
        severity=Severity.LOW,
    )
    user_with_scope(Role.REVIEWER, branch=branch, username="kiemtra_dt")
    return {"land_use": land_use, "status": status}


def test_a_partial_bulk_decision_says_what_it_did_and_keeps_the_rest_ticked(live_server, desk):
    with launch() as browser:
        page = browser.new_context(**PHONE).new_page()
        log_in(page, live_server.url, "kiemtra_dt")
        page.goto(f"{live_server.url}/kiem-tra/")
        for flag in (desk["land_use"], desk["status"]):
            page.check(f'input[name=flags][value^="{flag.pk}:"]')
        page.select_option("#id_decision", "accept")
        page.click("#bulk-submit")

        messages = page.locator(".messages")
        expect(messages).to_contain_text("Đã xử lý 1 sai lệch.")
        expect(messages).to_contain_text("1 sai lệch chưa xử lý, vẫn được chọn")
        # Only the flag the decision did not fit is still there, and still ticked.
        expect(page.locator(f'input[name=flags][value^="{desk["status"].pk}:"]')).to_be_checked()
        expect(page.locator(f'input[name=flags][value^="{desk["land_use"].pk}:"]')).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
        page.screenshot(path=str(ARTIFACTS / "review-partial-bulk.png"), full_page=True)

    desk["land_use"].refresh_from_db()
    desk["status"].refresh_from_db()
    assert desk["land_use"].status == FlagStatus.ACCEPTED
    assert desk["status"].status == FlagStatus.OPEN
