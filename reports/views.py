"""Dashboards, Excel downloads and scan bundles; thin: scope check, one selector or service call, render."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from collection.models import ExportLog, Role, WorkingGroup
from collection.network import client_ip
from collection.scope import Area, get_scoped_or_404, restrict, scoped_communes, user_area, user_scope
from landdata import normalize
from landdata.models import Commune
from reports import bundles, exports
from reports import figures as fig
from reports.charts import daily_chart
from reports.models import ScanBundle

OFFICE_ROLES = (Role.REVIEWER, Role.ADMIN)
CHART_DAYS = 90


def _common(area: Area, *, collected_by: str | None = None) -> dict:
    return {
        "flags_by_code": fig.open_flags_by_code(area),
        "chart": daily_chart(fig.collected_per_day(area, collected_by=collected_by, days=CHART_DAYS)),
    }


def _province_data(area: Area, total_name: str) -> dict:
    rows = fig.commune_figures(area)
    return {
        "rows": rows,
        "total": fig.total_figures(rows, name=total_name),
        "officials": fig.collected_per_official(area)[:50],
        **_common(area),
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The user's own dashboard: province/branch overview, or their commune or group."""
    scope = user_scope(request.user)
    if scope.sees_nothing:
        raise PermissionDenied
    if scope.working_group_id is not None:
        return redirect("reports:group", pk=scope.working_group_id)
    if scope.role in (Role.OFFICIAL, Role.GROUP_LEADER):
        commune = scoped_communes(request.user).first()
        if commune is None:
            raise Http404
        return redirect("reports:commune", code=commune.code)
    area = user_area(request.user)
    total_name = _("Toàn tỉnh") if scope.role == Role.ADMIN else _("Chi nhánh")
    data, computed_at = fig.cached(f"dash:{area.key}", lambda: _province_data(area, str(total_name)))
    return render(request, "reports/dashboard.html", {**data, "computed_at": computed_at})


def _commune_data(unit: Commune, area: Area) -> dict:
    """The commune's totals; its groups, officials, flags and chart as far as the area reaches (a
    group member: their group only)."""
    figures, groups = fig.commune_and_groups(commune=unit)
    if area.working_group_id is not None:
        groups = [row for row in groups if row.code == str(area.working_group_id)]
    return {
        "figures": figures,
        "groups": groups,
        "officials": fig.collected_per_official(area),
        **_common(area),
    }


@login_required
@require_GET
def commune(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_scoped_or_404(Commune.objects.select_related("branch"), request.user, code=code)
    role = user_scope(request.user).role
    area = user_area(request.user, commune=unit.code)
    data, computed_at = fig.cached(f"commune:{unit.code}:{area.key}", lambda: _commune_data(unit, area))
    context = {
        **data,
        "computed_at": computed_at,
        "commune": unit,
        "is_office": role in OFFICE_ROLES,
        "bundles": restrict(ScanBundle.objects.filter(commune=unit), request.user)[:10] if role in OFFICE_ROLES else [],
    }
    return render(request, "reports/commune.html", context)


def _group_data(unit: WorkingGroup, area: Area) -> dict:
    return {
        "figures": fig.working_group_figures(group=unit),
        "officials": fig.collected_per_official(area),
        **_common(area),
    }


@login_required
@require_GET
def group(request: HttpRequest, pk: int) -> HttpResponse:
    """One working group's dashboard; another group's member gets 404 (`restrict` narrows them)."""
    unit = get_scoped_or_404(WorkingGroup.objects.select_related("commune"), request.user, pk=pk)
    area = user_area(request.user, commune=unit.commune_id, working_group_id=unit.pk)
    data, computed_at = fig.cached(f"group:{unit.pk}", lambda: _group_data(unit, area))
    return render(request, "reports/group.html", {**data, "computed_at": computed_at, "group": unit})


@login_required
@require_GET
def official(request: HttpRequest, code: str) -> HttpResponse:
    """What one official collected in a commune, day by day (live: a small query).

    The official comes as `?collected_by=`: the name is free text from the phone or from
    import_collection (contract §2.3), which may hold a "/" that no path segment can carry.
    """
    unit = get_scoped_or_404(Commune.objects.all(), request.user, code=code)
    username = request.GET.get("collected_by", "")
    area = user_area(request.user, commune=unit.code)
    rows = fig.collected_per_official(area, collected_by=username) if username else []
    if not rows:
        raise Http404
    days = fig.collected_per_day(area, collected_by=username)
    context = {
        "commune": unit,
        "row": rows[0],
        "days": list(reversed(days)),
        "chart": daily_chart(days[-CHART_DAYS:]),
    }
    return render(request, "reports/official.html", context)


def _xlsx_download(write: Callable[[str], int], filename: str) -> FileResponse:
    """Write the workbook to a temporary file and stream it back; the file is unlinked once opened."""
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        write(path)
        handle = open(path, "rb")  # noqa: SIM115  (FileResponse closes it)
    finally:
        os.unlink(path)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def export_plots(request: HttpRequest, code: str) -> FileResponse:
    """Plots with collected values, outcome and open flags; IDs masked unless the role needs them."""
    unit = get_scoped_or_404(Commune.objects.all(), request.user, code=code)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return _xlsx_download(
        lambda path: exports.commune_xlsx_export(
            kind=ExportLog.Kind.PLOTS_XLSX, path=path, commune=unit, user=request.user, ip_address=client_ip(request)
        ),
        f"thua-dat_{unit.code}_{stamp}.xlsx",
    )


@login_required
@require_GET
def export_office(request: HttpRequest, code: str) -> FileResponse:
    """Registration office entry layout: full IDs, so reviewers and admins only."""
    if user_scope(request.user).role not in OFFICE_ROLES:
        raise PermissionDenied
    unit = get_scoped_or_404(Commune.objects.all(), request.user, code=code)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return _xlsx_download(
        lambda path: exports.commune_xlsx_export(
            kind=ExportLog.Kind.OFFICE_XLSX, path=path, commune=unit, user=request.user, ip_address=client_ip(request)
        ),
        f"nhap-lieu-vpdk_{unit.code}_{stamp}.xlsx",
    )


def _parse_day(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    parsed = normalize.parse_partial_date(raw)
    if parsed is None or parsed.date is None:
        raise ValueError(raw)
    return parsed.date


@login_required
@require_http_methods(["POST"])
def bundle_request(request: HttpRequest, code: str) -> HttpResponse:
    """Queue (or join) the scan bundle of a commune and optional date range."""
    if user_scope(request.user).role not in OFFICE_ROLES:
        raise PermissionDenied
    unit = get_scoped_or_404(Commune.objects.all(), request.user, code=code)
    try:
        date_from = _parse_day(request.POST.get("date_from"))
        date_to = _parse_day(request.POST.get("date_to"))
    except ValueError:
        messages.error(request, _("Ngày không hợp lệ (dd/mm/yyyy hoặc yyyy-mm-dd)."))
        return redirect("reports:commune", code=unit.code)
    if date_from and date_to and date_from > date_to:
        messages.error(request, _("“Từ ngày” phải trước “đến ngày”."))
        return redirect("reports:commune", code=unit.code)
    bundle, created = bundles.bundle_request(commune=unit, user=request.user, date_from=date_from, date_to=date_to)
    if created:
        messages.success(request, _("Đã bắt đầu tạo gói ảnh."))
    else:
        messages.info(request, _("Gói ảnh này đang được tạo; xem tiến độ bên dưới."))
    return redirect("reports:bundle_status", pk=bundle.pk)


@login_required
@require_GET
def bundle_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress page; htmx polls the fragment until the bundle is done."""
    bundle = get_scoped_or_404(ScanBundle.objects.select_related("commune", "requested_by"), request.user, pk=pk)
    if user_scope(request.user).role not in OFFICE_ROLES:
        raise PermissionDenied
    template = "reports/_bundle_progress.html" if request.htmx else "reports/bundle.html"
    return render(request, template, {"bundle": bundle})


@login_required
@require_GET
def bundle_download(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The finished archive, after the scope check, with one access-log row per record it carries."""
    bundle = get_scoped_or_404(ScanBundle.objects.all(), request.user, pk=pk)
    if user_scope(request.user).role not in OFFICE_ROLES:
        raise PermissionDenied
    if bundle.status != ScanBundle.Status.DONE or not bundle.file:
        raise Http404
    bundles.bundle_download_log(bundle=bundle, user=request.user, ip_address=client_ip(request))
    # Stored encrypted: decrypted segment by segment as it is sent.
    response = StreamingHttpResponse(bundles.bundle_stream(bundle), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, os.path.basename(bundle.file.name or ""))
    if bundle.size_bytes:
        response["Content-Length"] = str(bundle.size_bytes)
    response["Cache-Control"] = "private, no-store"
    return response
