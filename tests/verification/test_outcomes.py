"""Contract §5 outcomes with hand-counted fixtures."""

from __future__ import annotations

import datetime as dt

import pytest

from collection.models import CollectedRecord
from tests.factories import (
    CollectedRecordFactory,
    CommuneFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
)
from verification.models import (
    Enrichment,
    Flag,
    FlagCode,
    FlagStatus,
    LandUserStatus,
    Outcome,
    PlotOutcome,
    Severity,
)
from verification.outcomes import outcome_for, refresh_outcomes

pytestmark = pytest.mark.django_db

VALID_CCCD = "001060012345"  # Hà Nội, male, born 1960


@pytest.mark.parametrize(
    ("has_open", "in_registry", "has_accepted", "enrichments", "expected"),
    [
        (True, True, True, ["cccd"], Outcome.PENDING_REVIEW),
        (True, False, False, [], Outcome.NOT_IN_REGISTRY),
        (False, False, False, [], Outcome.NOT_IN_REGISTRY),
        (False, True, True, ["cccd"], Outcome.CLEANED),
        (False, True, False, ["cccd"], Outcome.ENRICHED),
        (False, True, False, [], Outcome.VERIFIED),
    ],
)
def test_outcome_precedence(has_open, in_registry, has_accepted, enrichments, expected):
    assert (
        outcome_for(has_open=has_open, in_registry=in_registry, has_accepted=has_accepted, enrichments=enrichments)
        == expected
    )


def _flag(record, code, status, *, land_user=None):
    return Flag.objects.create(
        record=record,
        plot=record.plot,
        former_commune=record.former_commune,
        commune=record.former_commune.commune,
        land_user=land_user,
        code=code,
        field="x",
        severity=Severity.HIGH,
        status=status,
    )


def _record(fc, plot_number, **kwargs):
    plot = Plot_by_key(fc, plot_number)
    return CollectedRecordFactory(former_commune=fc, map_sheet="1", plot_number=plot_number, plot=plot, **kwargs)


def Plot_by_key(fc, number):  # noqa: N802
    from landdata.models import Plot

    return Plot.objects.filter(former_commune=fc, sheet_key="1", number_key=number).first()


@pytest.fixture
def ward():
    commune = CommuneFactory()
    fc = FormerCommuneFactory(commune=commune)
    return commune, fc


def test_refresh_outcomes_counts(ward):
    commune, fc = ward
    plots = {n: PlotFactory(former_commune=fc, map_sheet="1", plot_number=str(n)) for n in range(1, 7)}
    users = {n: LandUserFactory(plot=plots[n]) for n in plots}
    cccd_user = LandUserFactory(plot=plots[6], full_name="Trần Thị Bình", id_number=VALID_CCCD)

    _record(fc, "1")  # verified
    enriched = _record(fc, "2")
    Enrichment.objects.create(record=enriched, land_user=users[2], kind="cccd", collected_value=VALID_CCCD)
    pending = _record(fc, "3")
    name_flag = _flag(pending, FlagCode.OWNER_NAME_MISMATCH, FlagStatus.OPEN)
    cleaned = _record(fc, "4")
    _flag(cleaned, FlagCode.AREA_MISMATCH, FlagStatus.ACCEPTED)
    _flag(cleaned, FlagCode.LAND_USE_MISMATCH, FlagStatus.KEPT)
    returned = _record(fc, "5", status=CollectedRecord.Status.RETURNED)
    _flag(returned, FlagCode.ID_INVALID, FlagStatus.RETURNED, land_user=users[5])
    _record(fc, "6")
    missing = _record(fc, "9000")
    _flag(missing, FlagCode.PLOT_NOT_IN_REGISTRY, FlagStatus.DISMISSED)
    unkeyed_pending = _record(fc, "9001")
    _flag(unkeyed_pending, FlagCode.PLOT_NOT_IN_REGISTRY, FlagStatus.OPEN)
    _record(fc, "7", status=CollectedRecord.Status.DRAFT)  # a draft is not collected

    keys = [(fc.code, "1", str(n)) for n in (1, 2, 3, 4, 5, 6, 7, 9000, 9001)]
    refresh_outcomes(plot_keys=keys)

    got = {o.number_key: o.outcome for o in PlotOutcome.objects.all()}
    assert got == {
        "1": Outcome.VERIFIED,
        "2": Outcome.ENRICHED,
        "3": Outcome.PENDING_REVIEW,
        "4": Outcome.CLEANED,
        "5": Outcome.PENDING_REVIEW,
        "6": Outcome.VERIFIED,
        "9000": Outcome.NOT_IN_REGISTRY,
        "9001": Outcome.NOT_IN_REGISTRY,
    }
    assert PlotOutcome.objects.get(number_key="2").enrichments == ["cccd"]
    assert all(o.commune_id == commune.code for o in PlotOutcome.objects.all())

    status = dict(LandUserStatus.objects.values_list("land_user_id", "status"))
    assert status == {
        users[1].id: "not_identified",
        users[2].id: "unified",  # CCCD supplied by the record
        users[3].id: "not_matched",  # plot-level name flag concerns every owner
        users[4].id: "not_identified",
        users[5].id: "not_matched",
        users[6].id: "not_identified",
        cccd_user.id: "unified",
    }
    open_counts = dict(CollectedRecord.objects.values_list("id", "open_flags"))
    assert open_counts[pending.id] == 1
    assert open_counts[returned.id] == 1
    assert open_counts[cleaned.id] == 0

    # A decision closes the flag: the plot becomes verified, its owner not identified, the count 0.
    Flag.objects.filter(pk=name_flag.pk).update(status=FlagStatus.KEPT)
    refresh_outcomes(plot_keys=[(fc.code, "1", "3")])
    assert PlotOutcome.objects.get(number_key="3").outcome == Outcome.VERIFIED
    assert LandUserStatus.objects.get(land_user=users[3]).status == "not_identified"
    assert CollectedRecord.objects.get(pk=pending.pk).open_flags == 0


def test_refresh_outcomes_drops_keys_no_longer_collected(ward):
    _, fc = ward
    plot = PlotFactory(former_commune=fc, map_sheet="1", plot_number="1")
    user = LandUserFactory(plot=plot)
    record = _record(fc, "1")
    refresh_outcomes(plot_keys=[(fc.code, "1", "1")])
    assert PlotOutcome.objects.count() == 1
    assert LandUserStatus.objects.filter(land_user=user).exists()
    CollectedRecord.objects.filter(pk=record.pk).update(status=CollectedRecord.Status.DRAFT)
    refresh_outcomes(plot_keys=[(fc.code, "1", "1")])
    assert PlotOutcome.objects.count() == 0
    assert not LandUserStatus.objects.filter(land_user=user).exists()


def test_first_collected_on_is_earliest_record(ward):
    _, fc = ward
    PlotFactory(former_commune=fc, map_sheet="1", plot_number="1")
    _record(fc, "1", collected_on=dt.date(2025, 10, 3))
    _record(fc, "1", collected_on=dt.date(2025, 9, 20))
    refresh_outcomes(plot_keys=[(fc.code, "1", "1")])
    assert PlotOutcome.objects.get().first_collected_on == dt.date(2025, 9, 20)


def test_refresh_outcomes_constant_queries(ward, django_assert_max_num_queries):
    _, fc = ward
    for n in range(1, 41):
        plot = PlotFactory(former_commune=fc, map_sheet="1", plot_number=str(n))
        LandUserFactory(plot=plot)
        _record(fc, str(n))
    keys = [(fc.code, "1", str(n)) for n in range(1, 41)]
    with django_assert_max_num_queries(12):
        refresh_outcomes(plot_keys=keys)
    assert PlotOutcome.objects.count() == 40


def _outcome_rows():
    return (
        sorted(PlotOutcome.objects.values_list("number_key", "commune_id", "plot_id", "outcome", "open_flags")),
        sorted(LandUserStatus.objects.values_list("land_user_id", "commune_id", "status")),
    )


@pytest.mark.parametrize(
    "given",
    [
        pytest.param(("1", "2", "3", "9000"), id="every key given"),
        pytest.param(("1", "9000"), id="some given, a plot and a key not in the registry"),
        pytest.param((), id="none given"),
    ],
)
def test_refresh_outcomes_from_the_callers_registry_rows(ward, given, django_assert_num_queries):
    """Matching hands over the registry plots it read: the outcomes are those of reading them here."""
    from verification.matching.load import registry_plots

    commune, fc = ward
    plots = {n: PlotFactory(former_commune=fc, map_sheet="1", plot_number=str(n)) for n in (1, 2, 3)}
    LandUserFactory(plot=plots[1], full_name="Trần Thị Bình", id_number=VALID_CCCD)
    LandUserFactory(plot=plots[2])
    pending = _record(fc, "2")
    _flag(pending, FlagCode.OWNER_NAME_MISMATCH, FlagStatus.OPEN)
    for number in ("1", "3", "9000"):
        _record(fc, number)
    keys = {(fc.code, "1", n) for n in ("1", "2", "3", "9000")}
    refresh_outcomes(plot_keys=keys)
    expected = _outcome_rows()
    assert len(expected[0]) == 4 and len(expected[1]) == 2
    PlotOutcome.objects.all().delete()
    LandUserStatus.objects.all().delete()

    given_keys = {(fc.code, "1", n) for n in given}
    found = registry_plots(given_keys)
    registry = {key: found.get(key) for key in given_keys}
    # Every key given saves the two reads of the plots and their land users.
    with django_assert_num_queries(7 if len(given_keys) == len(keys) else 9):
        refresh_outcomes(plot_keys=keys, registry=registry)
    assert _outcome_rows() == expected
