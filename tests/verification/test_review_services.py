"""Review desk services: each decision, registry corrections, history, concurrency, bulk, outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from collection.models import CollectedRecord, Role
from landdata.models import Certificate, LandUser, Plot
from tests.factories import (
    BranchFactory,
    CertificateFactory,
    CollectedRecordFactory,
    CommuneFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
    user_with_scope,
)
from verification import outcomes, selectors, services
from verification.models import Flag, FlagDecision, FlagStatus, Outcome, PlotOutcome, RegistryCorrection

pytestmark = pytest.mark.django_db


@dataclass
class Desk:
    """Two branches with one ward each; a registry plot and a collected record per ward."""

    reviewer: object
    reviewer_b: object
    official: object
    plot: Plot
    owner: LandUser
    certificate: Certificate
    record: CollectedRecord
    plot_b: Plot
    record_b: CollectedRecord

    def flag(
        self,
        code="OWNER_NAME_MISMATCH",
        *,
        record=None,
        severity="high",
        field="holder_name",
        registry_value="Nguyễn Văn An",
        collected_value="Nguyễn Văn Ân",
        land_user="owner",
        **extra,
    ) -> Flag:
        record = record or self.record
        return Flag.objects.create(
            record=record,
            plot=record.plot,
            former_commune=record.former_commune,
            commune=record.former_commune.commune,
            land_user=self.owner if land_user == "owner" and record == self.record else land_user or None,
            code=code,
            field=field,
            registry_value=registry_value,
            collected_value=collected_value,
            severity=severity,
            **extra,
        )


def build_desk(plot_number="345", suffix="") -> Desk:
    branch_a = BranchFactory(code=f"CNA{suffix}")
    branch_b = BranchFactory(code=f"CNB{suffix}")
    ward_a = CommuneFactory(code=f"0900{suffix or '0'}"[:5], branch=branch_a)
    ward_b = CommuneFactory(code=f"0910{suffix or '0'}"[:5], branch=branch_b)
    former_a = FormerCommuneFactory(code=ward_a.code, commune=ward_a)
    former_b = FormerCommuneFactory(code=ward_b.code, commune=ward_b)
    plot = PlotFactory(
        former_commune=former_a, map_sheet="12", plot_number=plot_number, area_m2=Decimal("250.00"), land_use="ONT"
    )
    certificate = CertificateFactory(plot=plot, serial="BĐ 123456", book_number="CH00120")
    owner = LandUserFactory(
        plot=plot, certificate=certificate, full_name="Nguyễn Văn An", birth_year=1960, id_number="123456789"
    )
    record = CollectedRecordFactory(
        former_commune=former_a,
        map_sheet="12",
        plot_number=plot_number,
        plot=plot,
        holder_name="Nguyễn Văn Ân",
        holder_birth_year=1960,
        holder_id_number="001060012345",
        certificate_serial="BĐ 123456",
        area_m2=Decimal("250.00"),
        land_use="ONT",
    )
    plot_b = PlotFactory(former_commune=former_b, map_sheet="12", plot_number=plot_number)
    LandUserFactory(plot=plot_b, full_name="Trần Thị Bình")
    record_b = CollectedRecordFactory(
        former_commune=former_b, map_sheet="12", plot_number=plot_number, plot=plot_b, holder_name="Trần Thị Bính"
    )
    return Desk(
        reviewer=user_with_scope(Role.REVIEWER, branch=branch_a),
        reviewer_b=user_with_scope(Role.REVIEWER, branch=branch_b),
        official=user_with_scope(Role.OFFICIAL, commune=ward_a),
        plot=plot,
        owner=owner,
        certificate=certificate,
        record=record,
        plot_b=plot_b,
        record_b=record_b,
    )


def refresh_all(*records):
    outcomes.refresh_outcomes(plot_keys=[(r.former_commune_id, r.sheet_key, r.number_key) for r in records])


def outcome_of(record) -> str:
    return PlotOutcome.objects.get(
        former_commune_id=record.former_commune_id, sheet_key=record.sheet_key, number_key=record.number_key
    ).outcome


@pytest.fixture
def desk():
    return build_desk()


# --- accept: the collected value replaces the registry's ---------------------


@pytest.mark.parametrize(
    "code, field, registry_value, collected_value, model, attr, expected",
    [
        (
            "OWNER_NAME_MISMATCH",
            "holder_name",
            "Nguyễn Văn An",
            "Nguyễn Văn Ân",
            LandUser,
            "full_name",
            "Nguyễn Văn Ân",
        ),
        ("BIRTH_MISMATCH", "holder_birth", "1960", "12/03/1961", LandUser, "birth_year", 1961),
        ("ID_NUMBER_MISMATCH", "holder_id_number", "123456789", "001060012345", LandUser, "id_number", "001060012345"),
        ("CERTIFICATE_MISMATCH", "certificate_serial", "BĐ 123456", "BĐ 654321", Certificate, "serial", "BĐ 654321"),
        (
            "CERTIFICATE_MISMATCH",
            "certificate_book_number",
            "CH00120",
            "CH00999",
            Certificate,
            "book_number",
            "CH00999",
        ),
        ("AREA_MISMATCH", "area_m2", "250", "262,5", Plot, "area_m2", Decimal("262.50")),
        ("LAND_USE_MISMATCH", "land_use", "ONT", "ont+cln", Plot, "land_use", "CLN+ONT"),
        ("CERTIFICATE_STATUS", "certificate_status", "held", "mortgaged", Certificate, "status", "mortgaged"),
    ],
)
def test_accept_corrects_registry_and_records_correction(
    desk, code, field, registry_value, collected_value, model, attr, expected
):
    flag = desk.flag(
        code,
        field=field,
        registry_value=registry_value,
        collected_value=collected_value,
        severity="low" if code in ("LAND_USE_MISMATCH", "CERTIFICATE_STATUS") else "medium",
    )
    target = {LandUser: desk.owner, Certificate: desk.certificate, Plot: desk.plot}[model]
    old = getattr(target, attr)

    decided = services.flag_decide(
        user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="accept", note="Đã đối chiếu với bản gốc"
    )

    target.refresh_from_db()
    assert getattr(target, attr) == expected
    assert decided.status == FlagStatus.ACCEPTED
    flag.refresh_from_db()
    assert (flag.status, flag.version) == (FlagStatus.ACCEPTED, 2)
    correction = RegistryCorrection.objects.get(flag=flag, field=attr)
    assert correction.model == model._meta.label
    assert correction.object_id == str(target.pk)
    assert correction.new_value != correction.old_value
    assert correction.corrected_by == desk.reviewer
    assert correction.old_value == selectors.value_text(old)
    decision = FlagDecision.objects.get(flag=flag)
    assert (decision.from_status, decision.to_status, decision.decided_by) == ("open", "accepted", desk.reviewer)


def test_accept_name_updates_derived_search_key(desk):
    flag = desk.flag()
    services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="accept")
    desk.owner.refresh_from_db()
    assert desk.owner.name_folded == "nguyen van an"
    assert desk.owner.full_name == "Nguyễn Văn Ân"


def test_accept_name_on_plot_with_two_owners_uses_the_compared_owner(desk):
    """Matching leaves land_user empty on name flags and names the closest owner in registry_value."""
    wife = LandUserFactory(plot=desk.plot, full_name="Trần Thị Hoa", birth_year=1962)
    flag = desk.flag(
        field="co_holder_name", registry_value="Trần Thị Hoa", collected_value="Trần Thị Hoà Bình", land_user=None
    )
    services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="accept")
    wife.refresh_from_db()
    desk.owner.refresh_from_db()
    assert (wife.full_name, desk.owner.full_name) == ("Trần Thị Hoà Bình", "Nguyễn Văn An")


def test_accept_ambiguous_owner_is_refused(desk):
    LandUserFactory(plot=desk.plot, full_name="Trần Thị Hoa", birth_year=1962)
    flag = desk.flag(registry_value="Lê Văn Khác", land_user=None)
    with pytest.raises(services.DecisionNotAllowed):
        services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="accept")
    assert not RegistryCorrection.objects.exists()


def test_accept_serial_on_plot_with_two_certificates(desk):
    other = CertificateFactory(plot=desk.plot, serial="AN 065845", book_number="CH00121")
    flag = desk.flag(
        "CERTIFICATE_MISMATCH",
        field="certificate_serial",
        registry_value="AN 065845",
        collected_value="AN 065846",
        land_user=None,
        severity="medium",
    )
    services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="accept")
    other.refresh_from_db()
    desk.certificate.refresh_from_db()
    assert (other.serial, other.serial_key, desk.certificate.serial) == ("AN 065846", "AN065846", "BĐ 123456")


def test_accept_cccd_keeps_former_cmnd(desk):
    flag = desk.flag(
        "ID_NUMBER_MISMATCH", field="holder_id_number", registry_value="123456789", collected_value="001060012345"
    )
    services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="accept")
    desk.owner.refresh_from_db()
    assert (desk.owner.id_number, desk.owner.former_id_number, desk.owner.id_kind) == (
        "001060012345",
        "123456789",
        "cccd",
    )


def test_accept_makes_plot_cleaned(desk):
    flag = desk.flag()
    refresh_all(desk.record)
    assert outcome_of(desk.record) == Outcome.PENDING_REVIEW
    services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="accept")
    assert outcome_of(desk.record) == Outcome.CLEANED
    desk.record.refresh_from_db()
    assert desk.record.open_flags == 0


@pytest.mark.parametrize("code", ["PLOT_NOT_IN_REGISTRY", "DUPLICATE_SCAN", "MISSING_DOCUMENTS", "ID_INVALID"])
def test_accept_refused_when_nothing_can_be_written(desk, code):
    flag = desk.flag(code, field="", registry_value="", collected_value="x")
    with pytest.raises(services.DecisionNotAllowed):
        services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="accept")
    flag.refresh_from_db()
    assert (flag.status, flag.version) == ("open", 1)
    assert not FlagDecision.objects.exists() and not RegistryCorrection.objects.exists()


def test_accept_unparseable_value_changes_nothing(desk):
    flag = desk.flag("AREA_MISMATCH", field="area_m2", registry_value="250", collected_value="khoảng 300")
    with pytest.raises(services.DecisionNotAllowed):
        services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="accept")
    desk.plot.refresh_from_db()
    assert desk.plot.area_m2 == Decimal("250.00")
    flag.refresh_from_db()
    assert flag.status == "open"


# --- keep, return, dismiss ---------------------------------------------------


def test_keep_leaves_registry_and_plot_verified(desk):
    flag = desk.flag()
    services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="keep")
    desk.owner.refresh_from_db()
    assert desk.owner.full_name == "Nguyễn Văn An"
    assert not RegistryCorrection.objects.exists()
    flag.refresh_from_db()
    assert flag.status == FlagStatus.KEPT
    assert outcome_of(desk.record) in (Outcome.VERIFIED, Outcome.ENRICHED)


def test_return_needs_a_note(desk):
    flag = desk.flag()
    with pytest.raises(services.DecisionNotAllowed):
        services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="return", note="  ")
    flag.refresh_from_db()
    assert flag.status == "open"


def test_return_sends_record_back_with_note(desk):
    flag = desk.flag()
    services.flag_decide(
        user=desk.reviewer,
        flag_id=flag.pk,
        expected_version=1,
        decision="return",
        note="Chụp lại trang 1 GCN, tên bị mờ",
    )
    desk.record.refresh_from_db()
    flag.refresh_from_db()
    assert desk.record.status == CollectedRecord.Status.RETURNED
    assert flag.status == FlagStatus.RETURNED
    assert FlagDecision.objects.get(flag=flag).note == "Chụp lại trang 1 GCN, tên bị mờ"
    assert outcome_of(desk.record) == Outcome.PENDING_REVIEW
    # The official sees the note through the scoped fragment selector.
    _, flags = selectors.record_flags_with_notes(desk.official, desk.record.pk)
    assert flags[0].note == "Chụp lại trang 1 GCN, tên bị mờ"


def test_returned_flag_can_still_be_decided(desk):
    flag = desk.flag()
    services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="return", note="Bổ sung")
    services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=2, decision="keep")
    assert list(FlagDecision.objects.filter(flag=flag).values_list("from_status", "to_status")) == [
        ("open", "returned"),
        ("returned", "kept"),
    ]


@pytest.mark.parametrize("note, ok", [("", False), ("Trùng với bản ghi khác đã xử lý", True)])
def test_dismiss_needs_a_note(desk, note, ok):
    flag = desk.flag()
    if ok:
        services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="dismiss", note=note)
    else:
        with pytest.raises(services.DecisionNotAllowed):
            services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="dismiss", note=note)
    flag.refresh_from_db()
    assert flag.status == (FlagStatus.DISMISSED if ok else FlagStatus.OPEN)


def test_unknown_decision_refused(desk):
    flag = desk.flag()
    with pytest.raises(services.DecisionNotAllowed):
        services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="delete")


# --- history is append-only --------------------------------------------------


def test_decision_history_is_append_only(desk):
    flag = desk.flag()
    services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="keep")
    decision = FlagDecision.objects.get(flag=flag)
    decision.note = "sửa lại lịch sử"
    with pytest.raises(ValueError):
        decision.save()
    with pytest.raises(ValueError):
        decision.delete()
    assert FlagDecision.objects.get(flag=flag).note == ""


# --- concurrency -------------------------------------------------------------


def test_stale_version_changes_nothing(desk):
    flag = desk.flag()
    other = user_with_scope(Role.REVIEWER, branch=desk.record.former_commune.commune.branch)
    services.flag_decide(user=other, flag_id=flag.pk, expected_version=1, decision="keep")
    with pytest.raises(services.StaleFlag) as caught:
        services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="accept")
    assert "vừa được người khác xử lý" in caught.value.message
    flag.refresh_from_db()
    desk.owner.refresh_from_db()
    assert (flag.status, flag.version) == (FlagStatus.KEPT, 2)
    assert desk.owner.full_name == "Nguyễn Văn An"
    assert FlagDecision.objects.filter(flag=flag).count() == 1
    assert not RegistryCorrection.objects.exists()


def test_concurrent_update_between_load_and_write_is_detected(desk, monkeypatch):
    """The guard is the conditional UPDATE itself, not only the version read before it."""
    flag = desk.flag()
    real_planned = services._planned_changes

    def someone_else_decides_meanwhile(f):
        Flag.objects.filter(pk=f.pk).update(status="kept", version=2)
        return real_planned(f)

    monkeypatch.setattr(services, "_planned_changes", someone_else_decides_meanwhile)
    with pytest.raises(services.StaleFlag):
        services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="accept")
    desk.owner.refresh_from_db()
    assert desk.owner.full_name == "Nguyễn Văn An"
    assert not FlagDecision.objects.exists()


# --- who may decide ----------------------------------------------------------


def test_official_may_not_decide(desk):
    flag = desk.flag()
    with pytest.raises(PermissionDenied):
        services.flag_decide(user=desk.official, flag_id=flag.pk, expected_version=1, decision="keep")


def test_reviewer_of_other_branch_cannot_reach_flag(desk):
    flag = desk.flag()
    with pytest.raises(Flag.DoesNotExist):
        services.flag_decide(user=desk.reviewer_b, flag_id=flag.pk, expected_version=1, decision="keep")
    flag.refresh_from_db()
    assert flag.status == "open"


# --- bulk --------------------------------------------------------------------


def _low_flags(desk, n: int, *, sheet: str = "12") -> list[Flag]:
    flags = []
    for i in range(n):
        plot = PlotFactory(former_commune=desk.record.former_commune, map_sheet=sheet, plot_number=str(900 + i))
        record = CollectedRecordFactory(
            former_commune=desk.record.former_commune, map_sheet=sheet, plot_number=str(900 + i), plot=plot
        )
        flags.append(
            desk.flag(
                "CERTIFICATE_STATUS",
                record=record,
                severity="low",
                field="certificate_status",
                registry_value="held",
                collected_value="owner_far_away",
                land_user=None,
            )
        )
    return flags


def test_bulk_dismiss_low_flags_once(desk, monkeypatch):
    flags = _low_flags(desk, 4)
    calls = []
    real = outcomes.refresh_outcomes
    monkeypatch.setattr(
        outcomes, "refresh_outcomes", lambda *, plot_keys: (calls.append(list(plot_keys)), real(plot_keys=plot_keys))
    )
    result = services.flags_decide_bulk(
        user=desk.reviewer, versions={f.pk: f.version for f in flags}, decision="dismiss", note="Chủ ở xa: đã ghi nhận"
    )
    assert len(result.decided) == 4 and result.skipped == []
    assert set(Flag.objects.filter(pk__in=[f.pk for f in flags]).values_list("status", flat=True)) == {"dismissed"}
    assert FlagDecision.objects.filter(flag__in=flags, note="Chủ ở xa: đã ghi nhận").count() == 4
    assert len(calls) == 1 and len(calls[0]) == 4
    assert {outcome_of(f.record) for f in flags} == {Outcome.VERIFIED}


def test_bulk_accept_low_land_use(desk):
    other_plot = PlotFactory(former_commune=desk.plot.former_commune, map_sheet="3", plot_number="7", land_use="LUC")
    record = CollectedRecordFactory(
        former_commune=desk.plot.former_commune, map_sheet="3", plot_number="7", plot=other_plot, land_use="LUK"
    )
    f1 = desk.flag(
        "LAND_USE_MISMATCH", severity="low", field="land_use", registry_value="ONT", collected_value="ONT+CLN"
    )
    f2 = desk.flag(
        "LAND_USE_MISMATCH",
        record=record,
        severity="low",
        field="land_use",
        registry_value="LUC",
        collected_value="LUK",
        land_user=None,
    )
    services.flags_decide_bulk(user=desk.reviewer, versions={f1.pk: 1, f2.pk: 1}, decision="accept")
    desk.plot.refresh_from_db()
    other_plot.refresh_from_db()
    assert (desk.plot.land_use, other_plot.land_use) == ("CLN+ONT", "LUK")
    assert RegistryCorrection.objects.count() == 2
    assert outcome_of(record) == Outcome.CLEANED


def test_bulk_decides_the_low_flags_and_leaves_a_high_one_with_the_reason(desk):
    flags = _low_flags(desk, 2)
    high = desk.flag()
    versions = {f.pk: 1 for f in [*flags, high]}
    result = services.flags_decide_bulk(user=desk.reviewer, versions=versions, decision="dismiss", note="x")
    assert sorted(f.pk for f in result.decided) == sorted(f.pk for f in flags)
    assert [(flag.pk, reason) for flag, reason in result.skipped] == [
        (high.pk, "Chỉ xử lý hàng loạt được các sai lệch mức độ thấp.")
    ]
    assert Flag.objects.get(pk=high.pk).status == "open"
    assert FlagDecision.objects.count() == 2


def test_bulk_leaves_a_flag_decided_meanwhile_and_decides_the_others(desk):
    flags = _low_flags(desk, 3)
    services.flag_decide(user=desk.reviewer, flag_id=flags[1].pk, expected_version=1, decision="keep")
    result = services.flags_decide_bulk(
        user=desk.reviewer, versions={f.pk: 1 for f in flags}, decision="dismiss", note="x"
    )
    assert list(Flag.objects.filter(pk__in=[f.pk for f in flags]).order_by("pk").values_list("status", flat=True)) == [
        "dismissed",
        "kept",
        "dismissed",
    ]
    assert result.reasons() == [("Sai lệch này vừa được người khác xử lý", 1)]
    assert FlagDecision.objects.count() == 3


def test_bulk_accept_writes_what_it_can_and_says_how_many_it_could_not(desk):
    """52 low flags, 2 of which have nothing to write into the registry: 50 accepted, 2 left."""
    cannot = _low_flags(desk, 2)  # CERTIFICATE_STATUS "owner far away": nothing to write into the registry
    can = []
    for n in range(50):
        plot = PlotFactory(former_commune=desk.plot.former_commune, map_sheet="9", plot_number=str(n), land_use="LUC")
        record = CollectedRecordFactory(
            former_commune=desk.plot.former_commune, map_sheet="9", plot_number=str(n), plot=plot, land_use="LUK"
        )
        can.append(
            desk.flag(
                "LAND_USE_MISMATCH",
                record=record,
                severity="low",
                field="land_use",
                registry_value="LUC",
                collected_value="LUK",
                land_user=None,
            )
        )
    result = services.flags_decide_bulk(
        user=desk.reviewer, versions={f.pk: 1 for f in [*cannot, *can]}, decision="accept"
    )
    assert len(result.decided) == 50
    assert sorted(flag.pk for flag, _ in result.skipped) == sorted(f.pk for f in cannot)
    [(reason, count)] = result.reasons()
    assert count == 2 and "Giữ hoặc Bỏ qua" in reason
    assert set(Flag.objects.filter(pk__in=[f.pk for f in cannot]).values_list("status", flat=True)) == {"open"}
    assert set(Flag.objects.filter(pk__in=[f.pk for f in can]).values_list("status", flat=True)) == {"accepted"}
    assert RegistryCorrection.objects.count() == 50


def test_bulk_outside_scope_is_missing(desk):
    flag_b = desk.flag("CERTIFICATE_STATUS", record=desk.record_b, severity="low", land_user=None)
    with pytest.raises(Flag.DoesNotExist):
        services.flags_decide_bulk(user=desk.reviewer, versions={flag_b.pk: 1}, decision="dismiss", note="x")


def test_bulk_query_count_does_not_grow_with_flags(desk):
    small = _low_flags(desk, 2, sheet="20")
    big = _low_flags(desk, 12, sheet="21")
    selectors.can_review(desk.reviewer)  # the user's scope is read once per request, not per decision
    with CaptureQueriesContext(connection) as few:
        services.flags_decide_bulk(user=desk.reviewer, versions={f.pk: 1 for f in small}, decision="dismiss", note="x")
    with CaptureQueriesContext(connection) as lots:
        services.flags_decide_bulk(user=desk.reviewer, versions={f.pk: 1 for f in big}, decision="dismiss", note="x")
    assert len(lots.captured_queries) == len(few.captured_queries)
