"""Pace per commune, working group and official: the counts behind `reports.pace`, in a fixed number of queries.

Targets and collected plots are the dashboards' own (contract §5: `figures.commune_figures`,
`figures.commune_and_groups`); the 7-day rate counts plots *first* collected in the last 7 days
(`PlotOutcome.first_collected_on`), so a plot collected again is not counted twice.

- a commune's target is its `CommuneTarget`; its period its `CampaignPeriod` (a commune without one
  has no pace yet, and is listed after the others);
- a group's target is the commune's target split by the group's share of the commune's assigned
  plots (the registry plots of its former communes); without a commune target, those plots;
- an official's target is the plots handed to them (`PlotAssignment`), collected are those of them
  with an outcome.

A group or official follows the commune's schedule unless a weekly plan of their own (a group's) exists.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from collection.models import CampaignPeriod, PlotAssignment, UserScope, WeeklyPlan, WorkingGroup
from collection.scope import Area, Reach
from landdata.models import Commune
from reports import figures as fig
from reports import pace as pc
from verification.models import PlotOutcome


@dataclass
class PaceRow:
    code: str  # commune code, group id, or username
    name: str
    pace: pc.Pace | None  # None: the commune has no campaign period yet
    commune_code: str = ""

    @property
    def sort_key(self) -> tuple:
        if self.pace is None:
            return (1, 0, 0, self.name)
        return (0, self.pace.ahead_days, self.pace.ahead_plots, self.name)


def sort_rows(rows: list[PaceRow]) -> list[PaceRow]:
    """Furthest behind first (in days, then plots); units without a period last."""
    return sorted(rows, key=lambda row: row.sort_key)


@dataclass(frozen=True)
class CommunePlan:
    period: pc.Period
    schedule: list[float]
    planned: bool


def _plans(commune_targets: dict[str, int | None], *, groups: bool = False) -> dict:
    """{commune code: {week: plots}} of the communes' own plans, or {group id: …} with `groups`."""
    rows = WeeklyPlan.objects.filter(commune_id__in=list(commune_targets), working_group__isnull=not groups)
    out: dict = defaultdict(dict)
    for key, week, plots in rows.values_list("working_group_id" if groups else "commune_id", "week", "plots"):
        out[key][week] = plots
    return out


def commune_plans(targets: dict[str, int | None]) -> dict[str, CommunePlan]:
    """The period and schedule of each commune that has a period (two queries)."""
    periods = {
        c.commune_id: pc.period(c.starts_on, c.ends_on)
        for c in CampaignPeriod.objects.filter(commune_id__in=list(targets))
    }
    plans = _plans({code: targets[code] for code in periods})
    out = {}
    for code, period in periods.items():
        plan = plans.get(code)
        target = targets.get(code) or 0
        schedule = pc.plan_schedule(period, target, plan) if plan and target else pc.linear_schedule(period)
        out[code] = CommunePlan(period, schedule, bool(plan and target))
    return out


def _window(today: dt.date) -> Q:
    return Q(first_collected_on__gt=today - dt.timedelta(days=pc.RATE_DAYS), first_collected_on__lte=today)


def commune_paces(area: Area, *, today: dt.date | None = None) -> list[PaceRow]:
    """One row per commune of the area (the province or a branch), furthest behind first."""
    today = today or timezone.localdate()
    figures = fig.commune_figures(area)
    targets = {f.code: f.target_plots for f in figures}
    plans = commune_plans(targets)
    recent = PlotOutcome.objects.filter(_window(today))
    if area.reach is not Reach.PROVINCE:
        recent = recent.filter(commune_id__in=list(targets))
    last_7 = dict(recent.values("commune_id").annotate(n=Count("pk")).values_list("commune_id", "n"))
    rows = []
    for f in figures:
        plan = plans.get(f.code)
        row_pace = None
        if plan is not None:
            row_pace = pc.pace(
                target=f.target_plots or 0,
                collected=f.collected_plots,
                collected_7d=last_7.get(f.code, 0),
                period=plan.period,
                today=today,
                schedule=plan.schedule,
                planned=plan.planned,
            )
        rows.append(PaceRow(f.code, f.name, row_pace, commune_code=f.code))
    return sort_rows(rows)


def group_target(commune_target: int | None, commune_assigned: int, group_assigned: int) -> int:
    """The group's share of the commune's target, by its share of the assigned plots."""
    if commune_target is None or not commune_assigned:
        return group_assigned
    return int(round(commune_target * group_assigned / commune_assigned))


@dataclass
class CommunePace:
    commune: PaceRow
    groups: list[PaceRow]
    officials: list[PaceRow]
    period: pc.Period | None

    @property
    def commune_rows(self) -> list[PaceRow]:
        return [self.commune]


def commune_detail(commune: Commune, area: Area, *, today: dt.date | None = None) -> CommunePace:
    """The commune's pace, its groups' and its officials', furthest behind first.

    A member of a working group (`area.working_group_id`) sees the commune's line, their own
    group's, and the officials whose plots are in their group."""
    today = today or timezone.localdate()
    total, groups = fig.commune_and_groups(commune=commune)
    plan = commune_plans({commune.code: total.target_plots}).get(commune.code)
    window = _window(today)
    recent = PlotOutcome.objects.filter(window, commune_id=commune.code)
    commune_7d = recent.count()
    group_7d: dict[int | None, int] = dict(
        recent.values("former_commune__assignment__working_group_id")
        .annotate(n=Count("pk"))
        .values_list("former_commune__assignment__working_group_id", "n")
    )
    group_plans = _plans({commune.code: total.target_plots}, groups=True) if plan else {}

    def make(target: int, collected: int, last_7: int, schedule=None, planned=False) -> pc.Pace | None:
        if plan is None:
            return None
        return pc.pace(
            target=target,
            collected=collected,
            collected_7d=last_7,
            period=plan.period,
            today=today,
            schedule=schedule if schedule is not None else plan.schedule,
            planned=planned if schedule is not None else plan.planned,
        )

    commune_row = PaceRow(commune.code, commune.name, make(total.target_plots or 0, total.collected_plots, commune_7d))
    group_rows = []
    for g in groups:
        group_id = int(g.code) if g.code else None
        if area.working_group_id is not None and group_id != area.working_group_id:
            continue
        target = group_target(total.target_plots, total.assigned_plots, g.assigned_plots)
        own = group_plans.get(group_id) if group_id else None
        schedule = pc.plan_schedule(plan.period, target, own) if plan and own and target else None
        group_rows.append(
            PaceRow(g.code, g.name, make(target, g.collected_plots, group_7d.get(group_id, 0), schedule, bool(own)))
        )
    return CommunePace(
        commune_row,
        sort_rows(group_rows),
        official_paces(commune, area, plan, today=today),
        plan.period if plan else None,
    )


def official_paces(commune: Commune, area: Area, plan: CommunePlan | None, *, today: dt.date) -> list[PaceRow]:
    """One row per official holding plots of the commune (of the group, for a group member): three queries."""
    held = PlotAssignment.objects.filter(plot__former_commune__commune_id=commune.code)
    if area.working_group_id is not None:
        held = held.filter(plot__former_commune__assignment__working_group_id=area.working_group_id)
    outcome = PlotOutcome.objects.filter(plot_id=OuterRef("plot_id"))
    counts = {
        row["official_id"]: row
        for row in held.values("official_id", "official__username", "official__first_name", "official__last_name")
        .annotate(
            target=Count("plot_id"),
            collected=Count("plot_id", filter=Q(Exists(outcome))),
            last_7=Count("plot_id", filter=Q(Exists(outcome.filter(_window(today))))),
        )
        .order_by()
    }
    if not counts:
        return []
    scopes = dict(UserScope.objects.filter(user_id__in=list(counts)).values_list("user_id", "working_group_id"))
    group_plans = _plans({commune.code: None}, groups=True) if plan else {}
    group_targets: dict[int, int] = {}
    if group_plans:
        total, groups = fig.commune_and_groups(commune=commune)
        group_targets = {
            int(g.code): group_target(total.target_plots, total.assigned_plots, g.assigned_plots)
            for g in groups
            if g.code
        }
    rows = []
    for user_id, row in counts.items():
        name = f"{row['official__first_name']} {row['official__last_name']}".strip() or row["official__username"]
        row_pace = None
        if plan is not None:
            schedule, planned = plan.schedule, plan.planned
            group_id = scopes.get(user_id)
            if group_id is not None and group_id in group_plans and group_targets.get(group_id):
                schedule = pc.plan_schedule(plan.period, group_targets[group_id], group_plans[group_id])
                planned = True
            row_pace = pc.pace(
                target=row["target"],
                collected=row["collected"],
                collected_7d=row["last_7"],
                period=plan.period,
                today=today,
                schedule=schedule,
                planned=planned,
            )
        rows.append(PaceRow(row["official__username"], name, row_pace, commune_code=commune.code))
    return sort_rows(rows)


def working_groups_of(commune: Commune) -> list[WorkingGroup]:
    return list(WorkingGroup.objects.filter(commune=commune).order_by("name"))
