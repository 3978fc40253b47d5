"""'Tiến độ': pace against the campaign's calendar, per commune, group and official; a leader's weekly plan.

Thin: scope through `collection.scope`, the figures from `reports.pace_figures`, the plan saved by
`collection.campaign`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from collection import campaign
from collection.models import Role
from collection.scope import get_scoped_or_404, scoped_communes, user_area, user_scope
from landdata.models import Commune
from reports import figures as fig
from reports import pace_figures

COMMUNE_ROLES = (Role.OFFICIAL, Role.GROUP_LEADER)


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The communes of the province (or branch), furthest behind first; a commune's user goes to theirs."""
    scope = user_scope(request.user)
    if scope.sees_nothing:
        raise PermissionDenied
    if scope.role in COMMUNE_ROLES:
        commune = scoped_communes(request.user).first()
        if commune is None:
            raise Http404
        return redirect("reports:pace_commune", code=commune.code)
    area = user_area(request.user)
    rows, computed_at = fig.cached(f"pace:{area.key}", lambda: pace_figures.commune_paces(area))
    return render(request, "reports/pace.html", {"rows": rows, "computed_at": computed_at})


@login_required
@require_GET
def commune(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_scoped_or_404(Commune.objects.all(), request.user, code=code)
    area = user_area(request.user, commune=unit.code)
    detail, computed_at = fig.cached(
        f"pace-commune:{unit.code}:{area.key}", lambda: pace_figures.commune_detail(unit, area)
    )
    scope = user_scope(request.user)
    return render(
        request,
        "reports/pace_commune.html",
        {
            "commune": unit,
            "detail": detail,
            "computed_at": computed_at,
            "can_plan": scope.role in (Role.GROUP_LEADER, Role.ADMIN) and detail.period is not None,
            "is_commune_user": scope.role in COMMUNE_ROLES,
        },
    )


class WeeklyPlanForm(forms.Form):
    def __init__(self, *args, weeks: int, **kwargs):
        super().__init__(*args, **kwargs)
        for week in range(1, weeks + 1):
            self.fields[f"week_{week}"] = forms.IntegerField(
                label=gettext_lazy("Tuần %(n)d") % {"n": week},
                required=False,
                min_value=0,
                max_value=10**6,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def plan(self) -> dict[int, int | None]:
        return {int(key.split("_")[1]): value for key, value in self.cleaned_data.items()}


@login_required
@require_http_methods(["GET", "POST"])
def weekly_plan(request: HttpRequest, code: str) -> HttpResponse:
    """A leader's plan, plots per week: their group's, or the commune's for a leader without a group."""
    unit = get_scoped_or_404(Commune.objects.all(), request.user, code=code)
    group = campaign.plan_unit(request.user, unit)
    plans = pace_figures.commune_plans({unit.code: None})
    if unit.code not in plans:
        messages.warning(request, _("Xã chưa có thời gian chiến dịch; quản trị tỉnh cần đặt ngày bắt đầu."))
        return redirect("reports:pace_commune", code=unit.code)
    period = plans[unit.code].period
    weeks = (period.days + 6) // 7
    initial = {f"week_{week}": plots for week, plots in campaign.weekly_plan(unit, group).items()}
    form = WeeklyPlanForm(request.POST or None, weeks=weeks, initial=initial)
    if request.method == "POST" and form.is_valid():
        campaign.weekly_plan_save(user=request.user, commune=unit, plan=form.plan())
        messages.success(request, _("Đã lưu kế hoạch tuần."))
        return redirect("reports:pace_commune", code=unit.code)
    return render(
        request,
        "reports/weekly_plan.html",
        {"commune": unit, "group": group, "form": form, "period": period},
    )
