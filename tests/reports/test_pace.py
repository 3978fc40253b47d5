"""Pace against the campaign's calendar (issue 17.2): the arithmetic table-tested, then the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from collection import plot_assignments
from collection.models import CampaignPeriod, PlotAssignment, Role, WeeklyPlan
from reports import pace as pc
from reports import pace_figures
from tests.factories import (
    AssignmentFactory,
    CommuneFactory,
    CommuneTargetFactory,
    FormerCommuneFactory,
    PlotFactory,
    user_with_scope,
)
from tests.reports.factories import PlotOutcomeFactory

START = dt.date(2025, 10, 1)


def day(n: int) -> dt.date:
    """Campaign day n (day 1 is the start)."""
    return START + dt.timedelta(days=n - 1)


@pytest.mark.parametrize(
    ("ends_on", "days", "last_day"),
    [
        (None, 90, dt.date(2025, 12, 29)),  # the default: 90 days, the start being day 1
        (dt.date(2025, 10, 30), 30, dt.date(2025, 10, 30)),
        (dt.date(2025, 9, 1), 1, START),  # an end before the start is the start
    ],
)
def test_period(ends_on, days, last_day):
    p = pc.period(START, ends_on)
    assert (p.days, p.ends_on) == (days, last_day)


@pytest.mark.parametrize(
    ("today", "day_of", "days_left"),
    [
        (dt.date(2025, 9, 30), 0, 90),  # before the start
        (START, 1, 90),  # the first day is still to work
        (day(10), 10, 81),
        (day(90), 90, 1),
        (day(91), 90, 0),  # after the end
    ],
)
def test_campaign_days(today, day_of, days_left):
    p = pc.period(START)
    assert (p.day_of(today), p.days_left(today)) == (day_of, days_left)


LINEAR = pc.period(START)  # 90 days; a target of 900 is 10 a day


@pytest.mark.parametrize(
    ("today", "collected", "collected_7d", "expected", "ahead_plots", "ahead_days", "rate", "needed"),
    [
        (dt.date(2025, 9, 30), 0, 0, 0, 0, 0, 0.0, 10.0),  # not started: nothing expected
        (day(1), 0, 0, 10, -10, -1, 0.0, 10.0),
        (day(10), 80, 70, 100, -20, -2, 10.0, 10.1),  # 20 plots = 2 days behind
        (day(10), 100, 70, 100, 0, 0, 10.0, 9.9),  # on the line
        (day(10), 135, 91, 100, 35, 4, 13.0, 9.4),  # 135 is reached on day 14 (140): 4 days ahead
        (day(90), 450, 35, 900, -450, -45, 5.0, 450.0),  # the last day
        (day(95), 900, 0, 900, 0, 0, 0.0, None),  # over: nothing left to need
        (day(95), 950, 0, 900, 50, 0, 0.0, None),  # more than the target, after the end
        (day(50), 1000, 0, 500, 500, 40, 0.0, 0.0),  # everything done early: ahead to the end
    ],
)
def test_linear_pace(today, collected, collected_7d, expected, ahead_plots, ahead_days, rate, needed):
    result = pc.pace(target=900, collected=collected, collected_7d=collected_7d, period=LINEAR, today=today)
    assert (result.expected, result.ahead_plots, result.ahead_days) == (expected, ahead_plots, ahead_days)
    assert (result.rate_7d, result.needed_rate) == (rate, needed)
    assert result.behind == (ahead_plots < 0)


THREE_WEEKS = pc.period(START, day(21))


@pytest.mark.parametrize(
    ("plan", "today", "expected"),
    [
        # Week 1: 50 plots, week 2: 150, week 3 unplanned: the line's 100 (300 over 21 days).
        ({1: 50, 2: 150}, day(7), 50),
        ({1: 50, 2: 150}, day(10), 114),  # 50 + 3/7 of 150 = 114.3
        ({1: 50, 2: 150}, day(14), 200),
        ({1: 50, 2: 150}, day(21), 300),
        ({}, day(7), 100),  # no plan: the line
        ({3: 0}, day(21), 200),  # a week planned at zero adds nothing
        ({1: 30, 2: 30, 3: 30}, day(21), 90),  # a plan under the target: expected follows the plan
    ],
)
def test_weekly_plan(plan, today, expected):
    schedule = pc.plan_schedule(THREE_WEEKS, 300, plan) if plan else pc.linear_schedule(THREE_WEEKS)
    result = pc.pace(target=300, collected=0, collected_7d=0, period=THREE_WEEKS, today=today, schedule=schedule)
    assert result.expected == expected


def test_weekly_plan_days_and_a_short_last_week():
    # 10 days: week 1 unplanned (10 a day for a target of 100), week 2 has 3 days sharing 60.
    ten = pc.period(START, day(10))
    schedule = pc.plan_schedule(ten, 100, {2: 60})
    assert [round(100 * f) for f in schedule] == [0, 10, 20, 30, 40, 50, 60, 70, 90, 110, 130]
    # 55 collected on day 8 (90 expected): 55 is first reached on day 6 (60) → two days behind.
    result = pc.pace(target=100, collected=55, collected_7d=7, period=ten, today=day(8), schedule=schedule)
    assert (result.expected, result.ahead_plots, result.ahead_days) == (90, -35, -2)


def test_furthest_behind_first():
    def row(name, collected):
        p = pc.pace(target=900, collected=collected, collected_7d=0, period=LINEAR, today=day(10))
        return pace_figures.PaceRow(name, name, p)

    rows = [row("on time", 100), row("far behind", 10), row("ahead", 150), row("behind", 70)]
    rows.append(pace_figures.PaceRow("none", "no period", None))
    assert [r.code for r in pace_figures.sort_rows(rows)] == ["far behind", "behind", "on time", "ahead", "none"]


@pytest.mark.parametrize(
    ("commune_target", "commune_assigned", "group_assigned", "expected"),
    [(100, 50, 25, 50), (None, 50, 25, 25), (100, 0, 0, 0), (90, 7, 3, 39)],
)
def test_group_target_is_its_share(commune_target, commune_assigned, group_assigned, expected):
    assert pace_figures.group_target(commune_target, commune_assigned, group_assigned) == expected


# --- figures and pages ------------------------------------------------------------------------


@pytest.fixture
def paced(campaign):
    """The hand-counted campaign with a 90-day period from 1/10/2025 for commune A and B, and A's plots
    of group 1 handed to canbo01."""
    CampaignPeriod.objects.create(commune=campaign.a, starts_on=dt.date(2025, 10, 1))
    CampaignPeriod.objects.create(commune=campaign.b, starts_on=dt.date(2025, 10, 1))
    leader = user_with_scope(Role.GROUP_LEADER, commune=campaign.a, username="totruong")
    from landdata.models import Plot

    plot_assignments.plots_assign(
        actor=leader, official=campaign.official_a, plots=Plot.objects.filter(former_commune_id="10001")
    )
    campaign.leader = leader
    return campaign


def test_commune_paces_in_the_province(paced):
    from collection.scope import Area

    rows = pace_figures.commune_paces(Area.province(), today=dt.date(2025, 10, 10))
    by_code = {row.code: row.pace for row in rows}
    # A: target 3, 5 collected, 0.33 expected → ahead; B: target 8, 1 collected, 1 expected (8 × 10/90 = 0.9).
    assert (by_code["10001"].expected, by_code["10001"].collected, by_code["10001"].ahead_plots) == (0, 5, 5)
    assert (by_code["20001"].expected, by_code["20001"].collected, by_code["20001"].ahead_plots) == (1, 1, 0)
    assert [row.code for row in rows] == ["20001", "10001"]  # the one less ahead first


def test_commune_detail_groups_and_officials(paced):
    from collection.scope import user_area

    area = user_area(paced.leader, commune="10001")
    detail = pace_figures.commune_detail(paced.a, area, today=dt.date(2025, 10, 10))
    assert detail.period.days == 90
    officials = {row.code: row.pace for row in detail.officials}
    # canbo01 holds the 3 registry plots of former commune 10001: all 3 have an outcome.
    assert (officials["canbo01"].target, officials["canbo01"].collected) == (3, 3)
    groups = {row.name: row.pace for row in detail.groups}
    # Group 1 has 3 of the commune's 5 assigned plots: 3 × 3/5 = 1.8 → a target of 2.
    assert groups["Tổ 1"].target == 2


def test_no_period_no_pace(campaign):
    from collection.scope import Area

    rows = pace_figures.commune_paces(Area.province(), today=dt.date(2025, 10, 10))
    assert all(row.pace is None for row in rows)


def test_pages_by_role(client, paced):
    client.force_login(paced.admin)
    html = client.get(reverse("reports:pace")).content.decode()
    assert 'data-unit="10001"' in html and 'data-unit="20001"' in html
    client.force_login(paced.official_a)
    response = client.get(reverse("reports:pace"))
    assert response.status_code == 302 and response["Location"] == reverse("reports:pace_commune", args=["10001"])
    html = client.get(response["Location"]).content.decode()
    assert 'data-unit="canbo01"' in html
    assert client.get(reverse("reports:pace_commune", args=["20001"])).status_code == 404
    assert client.get(reverse("reports:weekly_plan", args=["10001"])).status_code == 403


def test_leader_enters_a_weekly_plan(client, paced):
    client.force_login(paced.leader)
    url = reverse("reports:weekly_plan", args=["10001"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"week_1": "2", "week_2": "", "week_3": "1"})
    assert response.status_code == 302
    assert dict(WeeklyPlan.objects.filter(commune=paced.a, working_group=None).values_list("week", "plots")) == {
        1: 2,
        3: 1,
    }
    client.post(url, {"week_1": "2"})
    assert WeeklyPlan.objects.filter(commune=paced.a).count() == 1
    html = client.get(reverse("reports:pace_commune", args=["10001"])).content.decode()
    assert "theo kế hoạch tuần" in html
    # Another commune's plan is not theirs to enter.
    assert client.post(reverse("reports:weekly_plan", args=["20001"]), {"week_1": "5"}).status_code == 404


@pytest.mark.django_db
def test_pace_queries_stay_bounded_at_many_communes(client, django_assert_max_num_queries, settings):
    settings.REPORTS_CACHE_SECONDS = 0
    from landdata.models import Plot

    province_admin = None
    for n in range(12):
        commune = CommuneFactory()
        former = FormerCommuneFactory(commune=commune)
        AssignmentFactory(former_commune=former, commune=commune)
        CommuneTargetFactory(commune=commune, target_plots=40)
        CampaignPeriod.objects.create(commune=commune, starts_on=dt.date.today() - dt.timedelta(days=n))
        plots = PlotFactory.create_batch(8, former_commune=former)
        for plot in plots[: n % 8]:
            PlotOutcomeFactory(
                former_commune=former,
                sheet_key=plot.sheet_key,
                number_key=plot.number_key,
                plot=plot,
                first_collected_on=dt.date.today(),
            )
        official = user_with_scope(Role.OFFICIAL, commune=commune)
        PlotAssignment.objects.bulk_create([PlotAssignment(plot=p, official=official) for p in plots])
        province_admin = province_admin or user_with_scope(Role.ADMIN, province=commune.province)
    client.force_login(province_admin)
    with django_assert_max_num_queries(25):
        html = client.get(reverse("reports:pace")).content.decode()
    assert html.count('class="card pace-row') == 12
    code = Plot.objects.first().former_commune.commune_id
    with django_assert_max_num_queries(30):
        html = client.get(reverse("reports:pace_commune", args=[code])).content.decode()
    assert 'class="card pace-row' in html


def test_set_campaign_period_command(campaign):
    from django.core.management import call_command

    call_command("set_campaign_period", "01/10/2025")
    periods = dict(CampaignPeriod.objects.values_list("commune_id", "starts_on"))
    assert periods == {"10001": dt.date(2025, 10, 1), "20001": dt.date(2025, 10, 1)}
    call_command("set_campaign_period", "2025-10-05", "--end", "2025-11-30", "--commune", "20001")
    b = CampaignPeriod.objects.get(commune_id="20001")
    assert (b.starts_on, b.ends_on) == (dt.date(2025, 10, 5), dt.date(2025, 11, 30))
    assert CampaignPeriod.objects.get(commune_id="10001").ends_on is None
