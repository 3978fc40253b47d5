"""A small hand-counted campaign shared by report, API and e2e tests.

Commune A (10001, branch CN-A) covers former communes 10001 (working group "Tổ 1") and
10002 (no group); commune B (20001, branch CN-B) covers 20001. Sheet 1 / plot 1 exists
in both former communes of A (two different plots).

Expected figures (counted by hand):

A: target 3, assigned 5 (3 + 2), collected 5 = verified 1, enriched 1, cleaned 1,
   pending_review 1, not_in_registry 1 → 166.7 %; open flags 2 (one open, one returned;
   the accepted one is closed); land users unified 3 (a status row, a collected plot's
   registry CCCD without a row yet, an uncollected plot's registry CCCD), not_matched 2
   (status rows), not_identified 2 (a status row, an uncollected plot's CMND).
B: target 8, assigned 2, collected 1 (pending_review) → 12.5 %; open flags 1;
   land users unified 1, not_matched 0, not_identified 1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from collection.models import CollectedRecord, Role
from landdata.models import Commune
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
from tests.reports.factories import FlagFactory, LandUserStatusFactory, PlotOutcomeFactory
from verification.models import FlagStatus, LandUserStatus, Outcome

CCCD_MALE_1960 = "001060012345"
CCCD_FEMALE_1960 = "001160054321"
CCCD_MALE_1975 = "027075000111"

EXPECTED = {
    "10001": {
        "commune_code": "10001",
        "commune_name": "Phường An Bình",
        "target_plots": 3,
        "assigned_plots": 5,
        "collected_plots": 5,
        "percent_of_target": 166.7,
        "verified": 1,
        "enriched": 1,
        "cleaned": 1,
        "pending_review": 1,
        "not_in_registry": 1,
        "open_flags": 2,
        "land_users": {"unified": 3, "not_matched": 2, "not_identified": 2},
    },
    "20001": {
        "commune_code": "20001",
        "commune_name": "Xã Bình Minh",
        "target_plots": 8,
        "assigned_plots": 2,
        "collected_plots": 1,
        "percent_of_target": 12.5,
        "verified": 0,
        "enriched": 0,
        "cleaned": 0,
        "pending_review": 1,
        "not_in_registry": 0,
        "open_flags": 1,
        "land_users": {"unified": 1, "not_matched": 0, "not_identified": 1},
    },
}


@dataclass
class Campaign:
    a: Commune
    b: Commune
    group: object
    plots: dict
    records: dict
    admin: object
    reviewer_a: object
    official_a: object
    official_b: object


def build_campaign() -> Campaign:
    province = ProvinceFactory()
    branch_a = BranchFactory(code="CN-A", province=province)
    branch_b = BranchFactory(code="CN-B", province=province)
    a = CommuneFactory(code="10001", name="Phường An Bình", branch=branch_a, province=province)
    b = CommuneFactory(code="20001", name="Xã Bình Minh", branch=branch_b, province=province)
    fa1 = FormerCommuneFactory(code="10001", name="Xã An", commune=a)
    fa2 = FormerCommuneFactory(code="10002", name="Xã Bình", commune=a)
    fb = FormerCommuneFactory(code="20001", name="Xã Minh", commune=b)
    group = WorkingGroupFactory(commune=a, name="Tổ 1")
    AssignmentFactory(former_commune=fa1, commune=a, working_group=group)
    AssignmentFactory(former_commune=fa2, commune=a)
    AssignmentFactory(former_commune=fb, commune=b)
    CommuneTargetFactory(commune=a, target_plots=3)
    CommuneTargetFactory(commune=b, target_plots=8)

    p = {
        "a1": PlotFactory(former_commune=fa1, map_sheet="1", plot_number="1", address="Thôn Đông"),
        "a2": PlotFactory(former_commune=fa1, map_sheet="1", plot_number="2"),
        "a3": PlotFactory(former_commune=fa1, map_sheet="1", plot_number="3"),
        "a4": PlotFactory(former_commune=fa2, map_sheet="1", plot_number="1"),
        "a5": PlotFactory(former_commune=fa2, map_sheet="1", plot_number="2"),
        "b1": PlotFactory(former_commune=fb, map_sheet="1", plot_number="1"),
        "b2": PlotFactory(former_commune=fb, map_sheet="1", plot_number="2"),
    }
    cert_a1 = CertificateFactory(
        plot=p["a1"], serial="BĐ 123456", book_number="CH00120", issue_date=dt.date(2010, 2, 1)
    )
    cert_a2 = CertificateFactory(
        plot=p["a2"], serial="AN 065845", book_number="CH00121", issue_date=dt.date(2012, 5, 3)
    )
    S = LandUserStatus.Status
    lu1 = LandUserFactory(
        plot=p["a1"],
        certificate=cert_a1,
        full_name="Nguyễn Văn An",
        id_number=CCCD_MALE_1960,
        address="Thôn Đông, xã An",
    )
    lu2 = LandUserFactory(
        plot=p["a1"], certificate=cert_a1, full_name="Trần Thị Bình", birth_year=1960, id_number=CCCD_FEMALE_1960
    )
    LandUserStatusFactory(land_user=lu1, status=S.UNIFIED)
    LandUserStatusFactory(land_user=lu2, status=S.NOT_MATCHED)
    # Collected plot without a status row (matching not run yet): counted by its registry CCCD.
    LandUserFactory(plot=p["a2"], certificate=cert_a2, full_name="Lê Văn Cường", id_number=CCCD_MALE_1960)
    lu4 = LandUserFactory(plot=p["a3"], full_name="Phạm Văn Dũng", id_number="123456789")
    LandUserStatusFactory(land_user=lu4, status=S.NOT_MATCHED)  # the open OWNER_NAME_MISMATCH
    lu5 = LandUserFactory(plot=p["a4"], full_name="Hoàng Văn Em")
    LandUserStatusFactory(land_user=lu5, status=S.NOT_IDENTIFIED)
    # Plot a5 is not collected (a draft only): no status rows, the registry decides.
    LandUserFactory(plot=p["a5"], full_name="Vũ Thị Gấm", birth_year=1975, id_number=CCCD_MALE_1975)  # unified
    LandUserFactory(plot=p["a5"], full_name="Vũ Văn Hưng", id_number="987654321")  # CMND: not identified
    LandUserFactory(plot=p["b1"], full_name="Đỗ Văn Hải", id_number=CCCD_MALE_1960)  # unified
    LandUserFactory(plot=p["b2"], full_name="Ngô Văn Ích")  # not identified

    def rec(plot, *, former=None, sheet="1", number=None, by="canbo01", on=dt.date(2025, 10, 1), **kw):
        return CollectedRecordFactory(
            former_commune=former or plot.former_commune,
            plot=plot,
            map_sheet=sheet,
            plot_number=number or plot.plot_number,
            collected_by=by,
            collected_on=on,
            **kw,
        )

    r = {
        "a1": rec(p["a1"], holder_id_number=CCCD_MALE_1960, certificate_serial="BĐ 123456", area_m2=250),
        "a2": rec(p["a2"]),
        "a3": rec(p["a3"], on=dt.date(2025, 10, 2)),
        "a4": rec(p["a4"], by="canbo02", on=dt.date(2025, 10, 2)),
        "a_missing": rec(None, former=p["a1"].former_commune, sheet="9", number="99", on=dt.date(2025, 10, 4)),
        "a_draft": rec(p["a5"], by="canbo02", status=CollectedRecord.Status.DRAFT, on=dt.date(2025, 10, 4)),
        "b1": rec(p["b1"], by="canbo-b", on=dt.date(2025, 10, 2)),
    }
    out = Outcome
    for key, outcome in (
        ("a1", out.VERIFIED),
        ("a2", out.ENRICHED),
        ("a3", out.PENDING_REVIEW),
        ("a4", out.CLEANED),
        ("b1", out.PENDING_REVIEW),
    ):
        plot = p[key]
        PlotOutcomeFactory(
            former_commune=plot.former_commune,
            sheet_key=plot.sheet_key,
            number_key=plot.number_key,
            plot=plot,
            outcome=outcome,
        )
    PlotOutcomeFactory(
        former_commune=p["a1"].former_commune, sheet_key="9", number_key="99", plot=None, outcome=out.NOT_IN_REGISTRY
    )
    FlagFactory(record=r["a3"], code="OWNER_NAME_MISMATCH", field="holder_name", status=FlagStatus.OPEN)
    FlagFactory(record=r["a3"], code="AREA_MISMATCH", field="area_m2", status=FlagStatus.RETURNED)
    FlagFactory(
        record=r["a4"],
        code="ID_NUMBER_MISMATCH",
        field="holder_id_number",
        status=FlagStatus.ACCEPTED,
        registry_value="123456789",
        collected_value=CCCD_MALE_1960,
    )
    FlagFactory(record=r["b1"], code="BIRTH_MISMATCH", field="holder_birth", status=FlagStatus.OPEN)

    return Campaign(
        a=a,
        b=b,
        group=group,
        plots=p,
        records=r,
        admin=user_with_scope(Role.ADMIN, province=province, username="admin27"),
        reviewer_a=user_with_scope(Role.REVIEWER, branch=branch_a, username="vpdk-a"),
        official_a=user_with_scope(Role.OFFICIAL, commune=a, username="canbo01"),
        official_b=user_with_scope(Role.OFFICIAL, commune=b, username="canbo-b"),
    )
