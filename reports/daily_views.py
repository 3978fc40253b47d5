"""'Báo cáo ngày': the leaders' one-page daily report, as a page and as XLSX. Thin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from collection.models import Role
from collection.scope import get_scoped_or_404, scoped_communes, user_area, user_scope
from landdata.models import Commune
from reports import daily
from reports import figures as fig
from reports.views import _xlsx_download


def _report(request: HttpRequest) -> daily.DailyReport:
    """The commune's report (the user's own commune, or `?xa=CODE` within the scope), else the province's."""
    scope = user_scope(request.user)
    if scope.sees_nothing:
        raise PermissionDenied
    code = request.GET.get("xa", "")
    if scope.role in (Role.OFFICIAL, Role.GROUP_LEADER):
        commune = scoped_communes(request.user).first()
        if commune is None:
            raise Http404
        code = commune.code
    # Shared for a minute like the dashboards (the province's figures take half a second to count).
    if code:
        unit = get_scoped_or_404(Commune.objects.all(), request.user, code=code)
        area = user_area(request.user, commune=unit.code)
        report, _at = fig.cached(f"daily:{unit.code}:{area.key}", lambda: daily.commune_report(unit, area))
        return report
    title = str(_("Toàn tỉnh") if scope.role == Role.ADMIN else _("Chi nhánh"))
    area = user_area(request.user)
    report, _at = fig.cached(f"daily:{area.key}", lambda: daily.province_report(area, title=title))
    return report


@login_required
@require_GET
def daily_report(request: HttpRequest) -> HttpResponse:
    report = _report(request)
    return render(
        request,
        "reports/daily.html",
        {"report": report, "summary": daily.summary_values(report), "query": request.GET.urlencode()},
    )


@login_required
@require_GET
def daily_xlsx(request: HttpRequest) -> FileResponse:
    report = _report(request)
    suffix = f"-{report.commune_code}" if report.commune_code else ""
    return _xlsx_download(
        lambda path: daily.report_xlsx(report, path), f"bao-cao-ngay{suffix}-{report.day:%Y%m%d}.xlsx"
    )
