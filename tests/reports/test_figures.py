"""Campaign figures (contract §5) against the hand-counted campaign in tests/reports/campaign.py."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from collection.scope import Area
from reports import figures as fig
from tests.factories import AssignmentFactory, CommuneFactory, CommuneTargetFactory, FormerCommuneFactory, PlotFactory
from tests.reports.campaign import EXPECTED

pytestmark = pytest.mark.django_db


def _report(*args: str) -> str:
    out = io.StringIO()
    call_command("campaign_report", *args, stdout=out)
    return out.getvalue()


def test_json_lists_every_commune_with_exact_keys(campaign):
    data = json.loads(_report("--format", "json"))
    assert data == [EXPECTED["10001"], EXPECTED["20001"]]
    assert list(data[0]) == list(EXPECTED["10001"])  # key order as in the contract


def test_json_is_the_default_format(campaign):
    assert json.loads(_report()) == [EXPECTED["10001"], EXPECTED["20001"]]


@pytest.mark.parametrize("code", ["10001", "20001"])
def test_json_one_commune_is_one_object(campaign, code):
    assert json.loads(_report("--commune", code, "--format", "json")) == EXPECTED[code]


def test_unknown_commune_exits_1_with_message(campaign):
    with pytest.raises(CommandError, match="99999"):
        call_command("campaign_report", "--commune", "99999")


def test_unknown_commune_exit_status_from_the_command_line(campaign):
    from django.core.management import ManagementUtility

    utility = ManagementUtility(["manage.py", "campaign_report", "--commune", "99999"])
    with pytest.raises(SystemExit) as exc:
        utility.execute()
    assert exc.value.code == 1


def test_text_is_a_vietnamese_table(campaign):
    text = _report("--format", "text")
    lines = text.splitlines()
    assert "Chỉ tiêu" in lines[0] and "Đã thu thập" in lines[0] and "% chỉ tiêu" in lines[0]
    row_a = next(line for line in lines if line.startswith("10001"))
    assert "Phường An Bình" in row_a
    # target, assigned, collected, %, verified…not in registry, open flags, land users ×3
    assert row_a.split()[-13:] == ["3", "5", "5", "166,7", "1", "1", "1", "1", "1", "2", "3", "2", "2"]
    total = next(line for line in lines if line.startswith(" ") and "Tổng cộng" in line)
    assert total.split()[-13:-10] == ["11", "7", "6"]  # target, assigned, collected


def test_query_count_does_not_grow_with_communes(campaign, django_assert_num_queries):
    # Registry counts cached: communes, former communes, targets, registry version,
    # outcomes, open flags, land users of collected plots.
    fig.commune_figures(Area.province())
    with django_assert_num_queries(7):
        fig.commune_figures(Area.province())
    for i in range(5):
        commune = CommuneFactory(code=f"3000{i}")
        former = FormerCommuneFactory(code=f"3000{i}", commune=commune)
        AssignmentFactory(former_commune=former, commune=commune)
        CommuneTargetFactory(commune=commune, target_plots=10)
        PlotFactory(former_commune=former)
    with django_assert_num_queries(9):  # new plots: the registry counts are counted again (two queries)
        rows = fig.commune_figures(Area.province())
    assert len(rows) == 7
    with django_assert_num_queries(7):
        fig.commune_figures(Area.province())


def test_registry_change_is_seen_at_once(campaign):
    assert fig.commune_figures(Area.of_communes([campaign.a.code]))[0].assigned_plots == 5
    PlotFactory(former_commune=campaign.plots["a1"].former_commune, map_sheet="2")
    assert fig.commune_figures(Area.of_communes([campaign.a.code]))[0].assigned_plots == 6


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_land_user_count_equals_the_direct_count(db, seed):
    """Random registries with statuses only on collected plots (as verification.outcomes keeps them):
    the fast path (registry counts + collected plots) equals one plain query over every land user."""
    import random

    from tests.factories import LandUserFactory
    from tests.reports.factories import LandUserStatusFactory, PlotOutcomeFactory
    from verification.models import LandUserStatus

    rnd = random.Random(seed)
    commune = CommuneFactory(code="40000")
    formers = [FormerCommuneFactory(code=f"4000{k}", commune=commune) for k in range(3)]
    for former in formers:
        AssignmentFactory(former_commune=former, commune=commune)
    ids = ["001060012345", "123456789", "", "99", "001160054321"]
    for n in range(60):
        former = rnd.choice(formers)
        plot = PlotFactory(former_commune=former, map_sheet="1", plot_number=str(n + 1))
        collected = rnd.random() < 0.5
        if collected:
            PlotOutcomeFactory(former_commune=former, sheet_key=plot.sheet_key, number_key=plot.number_key, plot=plot)
        for _ in range(rnd.randint(0, 3)):
            user = LandUserFactory(plot=plot, id_number=rnd.choice(ids))
            if collected and rnd.random() < 0.8:
                LandUserStatusFactory(land_user=user, status=rnd.choice(LandUserStatus.Status.values))
    codes = [f.code for f in formers]
    counts = fig.counts_by_former(fig._formers_of(["40000"]), whole_province=False)
    direct = fig.land_users_by_former_direct(codes)
    for code in codes:
        assert counts[code].land_users == direct.get(code, dict.fromkeys(fig.LAND_USER_KEYS, 0))
    province = fig.counts_by_former(fig.former_communes_map(), whole_province=True)
    assert {code: province[code].land_users for code in codes} == {code: counts[code].land_users for code in codes}


@pytest.mark.parametrize(
    ("collected", "target", "expected"),
    [
        (0, 10, 0.0),
        (1, 3, 33.3),
        (2, 3, 66.7),
        (1, 8, 12.5),
        (3007, 1778, 169.1),
        (1, 16, 6.3),
        (5, 0, 0.0),
        (10, 10, 100.0),
        (1, 2000, 0.1),
        (1, 20000, 0.0),
    ],
)
def test_percent_of_target_one_decimal_half_up(collected, target, expected):
    f = fig.Figures(code="x", name="x", target_plots=target)
    f.outcomes["verified"] = collected
    assert f.percent_of_target == expected


def test_group_figures_split_a_commune(campaign):
    rows = {row.name: row for row in fig.group_figures(commune=campaign.a)}
    assert rows["Tổ 1"].assigned_plots == 3
    assert rows["Tổ 1"].collected_plots == 4  # three plots + the key not in the registry
    assert rows["—"].assigned_plots == 2
    assert rows["—"].collected_plots == 1
    assert rows["Tổ 1"].open_flags == 2
    assert rows["Tổ 1"].land_users == {"unified": 2, "not_matched": 2, "not_identified": 0}
    assert rows["—"].land_users == {"unified": 1, "not_matched": 0, "not_identified": 2}


def test_per_day_and_per_official_exclude_drafts(campaign):
    area = Area.of_communes(["10001"])
    days = fig.collected_per_day(area)
    assert [(d.isoformat(), n) for d, n in days] == [("2025-10-01", 2), ("2025-10-02", 2), ("2025-10-04", 1)]
    officials = {row.collected_by: row for row in fig.collected_per_official(area)}
    assert officials["canbo01"].records == 4 and officials["canbo01"].days == 3
    assert officials["canbo01"].open_flags == 0  # open_flags counter on records untouched in this fixture
    assert officials["canbo02"].records == 1


def test_open_flags_by_code_counts_open_and_returned_only(campaign):
    rows = fig.open_flags_by_code(Area.of_communes(["10001"]))
    assert [(code, n) for code, _label, n in rows] == [("AREA_MISMATCH", 1), ("OWNER_NAME_MISMATCH", 1)]


@pytest.mark.parametrize("code", ["10001", "20001"])
def test_commune_and_groups_agree_with_the_report(campaign, code):
    from landdata.models import Commune

    total, _groups = fig.commune_and_groups(commune=Commune.objects.get(code=code))
    assert total.as_contract_dict() == EXPECTED[code]
