"""The campaign's calendar: each commune's period (set by the province admin) and a leader's weekly plan."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from collection.models import CampaignPeriod, Role, WeeklyPlan, WorkingGroup
from collection.scope import restrict, user_scope
from landdata.models import Commune


def campaign_period_set(*, communes, starts_on: dt.date, ends_on: dt.date | None = None) -> int:
    """Give `communes` (a queryset) the same campaign days; returns how many. The callers are the
    province admin's tools (the admin site, `set_campaign_period`): they decide who may."""
    codes = list(communes.values_list("code", flat=True))
    CampaignPeriod.objects.bulk_create(
        [CampaignPeriod(commune_id=code, starts_on=starts_on, ends_on=ends_on) for code in codes],
        update_conflicts=True,
        unique_fields=["commune"],
        update_fields=["starts_on", "ends_on"],
    )
    return len(codes)


def plan_unit(user, commune: Commune) -> WorkingGroup | None:
    """Whose plan the user enters in `commune`: their group's (a group leader of a group), else the
    commune's (a leader without a group, the admin). Others may not enter one."""
    scope = user_scope(user)
    if scope.role not in (Role.GROUP_LEADER, Role.ADMIN):
        raise PermissionDenied
    if not restrict(Commune.objects.filter(pk=commune.pk), user).exists():
        raise PermissionDenied
    if scope.working_group_id is not None:
        return WorkingGroup.objects.get(pk=scope.working_group_id, commune=commune)
    return None


def weekly_plan(commune: Commune, group: WorkingGroup | None) -> dict[int, int]:
    rows = WeeklyPlan.objects.filter(commune=commune, working_group=group)
    return dict(rows.values_list("week", "plots"))


def weekly_plan_save(*, user, commune: Commune, plan: dict[int, int | None]) -> dict[int, int]:
    """Replace the user's unit's plan: weeks with a number are kept, weeks left blank follow the line."""
    group = plan_unit(user, commune)
    wanted = {week: plots for week, plots in plan.items() if plots is not None}
    with transaction.atomic():
        WeeklyPlan.objects.filter(commune=commune, working_group=group).exclude(week__in=list(wanted)).delete()
        for week, plots in wanted.items():
            WeeklyPlan.objects.update_or_create(
                commune=commune, working_group=group, week=week, defaults={"plots": plots}
            )
    return wanted
